import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginDocument, MeDocument } from "./generated/graphql.js";
import { registerAccount, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function timedLogin(email: string, password: string) {
  const started = performance.now();
  const result = await server.graphql(LoginDocument, { input: { email, password } });
  return { result, ms: performance.now() - started };
}

describe("login", () => {
  it("signs in with the right password, opening a session that records the browser and address", async () => {
    const account = await registerAccount(server);
    const result = await server.graphql(
      LoginDocument,
      { input: { email: account.email.toUpperCase(), password: strongPassword } },
      { headers: { "user-agent": "Firefox/133 test" } },
    );
    const payload = result.data!.login;
    expect(payload.userErrors).toEqual([]);
    expect(payload.mfaRequired).toBe(false);
    expect(payload.user).toMatchObject({ id: account.user.id, email: account.email });
    const me = await server.graphql(MeDocument, {}, { token: payload.tokens!.accessToken });
    expect(me.data?.me?.lastLoginAt).toBeTruthy();
    expect(me.data?.me?.activeCompany?.type).toBe("INDIVIDUAL");

    const sessions = await server.deps.database.prisma.session.findMany({ where: { userId: account.user.id }, orderBy: { createdAt: "asc" } });
    expect(sessions).toHaveLength(2);
    expect(sessions[1]).toMatchObject({ userAgent: "Firefox/133 test", ip: "127.0.0.1", revokedAt: null });
    expect(await server.deps.database.prisma.loginAttempt.count({ where: { userId: account.user.id, success: true } })).toBe(1);
  });

  it("believes X-Forwarded-For only from a configured trusted proxy", async () => {
    const forwarded = { "x-forwarded-for": "203.0.113.9" };
    const direct = await registerAccount(server);
    await server.graphql(LoginDocument, { input: { email: direct.email, password: strongPassword } }, { headers: forwarded });
    const behindProxy = await startTestServer({ TRUSTED_PROXIES: "127.0.0.1" });
    try {
      const proxied = await registerAccount(behindProxy);
      await behindProxy.graphql(LoginDocument, { input: { email: proxied.email, password: strongPassword } }, { headers: forwarded });
      const ipsOf = (target: TestServer, userId: string) =>
        target.deps.database.prisma.session.findMany({ where: { userId }, orderBy: { createdAt: "asc" }, select: { ip: true } });
      expect((await ipsOf(server, direct.user.id)).map((session) => session.ip)).toEqual(["127.0.0.1", "127.0.0.1"]);
      expect((await ipsOf(behindProxy, proxied.user.id)).at(-1)?.ip).toBe("203.0.113.9");
    } finally {
      await behindProxy.close();
    }
  });

  it("answers an unknown email and a wrong password with the same code and message, in similar time", async () => {
    const account = await registerAccount(server);
    await timedLogin(uniqueEmail("warmup"), "warm-up password");
    const wrong = [];
    const unknown = [];
    for (let round = 0; round < 3; round++) {
      wrong.push(await timedLogin(account.email, "not the right password"));
      unknown.push(await timedLogin(uniqueEmail("nobody"), "not the right password"));
    }
    for (const attempt of [...wrong, ...unknown]) {
      expect(attempt.result.data?.login).toMatchObject({ tokens: null, user: null });
      expect(attempt.result.data?.login.userErrors).toEqual([{ field: null, code: "INVALID_CREDENTIALS", message: "Invalid email or password" }]);
    }
    const median = (samples: { ms: number }[]) => samples.map((sample) => sample.ms).sort((a, b) => a - b)[1]!;
    // Both pay for one argon2id verification; without the dummy hash the unknown email answers far faster.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
  });

  it("refuses a suspended account only after the right password, and never reveals it otherwise", async () => {
    const account = await registerAccount(server);
    await server.deps.database.prisma.user.update({ where: { id: account.user.id }, data: { status: "SUSPENDED" } });
    const wrong = await server.graphql(LoginDocument, { input: { email: account.email, password: "not the right password" } });
    expect(wrong.data?.login.userErrors[0]?.code).toBe("INVALID_CREDENTIALS");
    const right = await server.graphql(LoginDocument, { input: { email: account.email, password: strongPassword } });
    expect(right.data?.login.userErrors[0]?.code).toBe("ACCOUNT_SUSPENDED");
    expect(right.data?.login.tokens).toBeNull();
  });

  it("handles an absurdly long password without hashing it or failing", async () => {
    const account = await registerAccount(server);
    const result = await server.graphql(LoginDocument, { input: { email: account.email, password: "p".repeat(512 * 1024) } });
    expect(result.status).toBe(200);
    expect(result.data?.login.userErrors[0]?.code).toBe("INVALID_CREDENTIALS");
  });
});
