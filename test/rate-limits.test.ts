import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LoginAttemptDocument,
  MfaAttemptDocument,
  PasswordResetAttemptDocument,
  RefreshAttemptDocument,
  RegisterAttemptDocument,
  VerifyEmailAttemptDocument,
} from "./generated/graphql.js";
import { sha256Hex } from "../src/platform/crypto.js";
import { registerAccount, strongPassword, uniqueEmail } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

/** Small limits so a test reaches them in a few attempts; requests name their client IP through a trusted proxy. */
const limits = {
  TRUSTED_PROXIES: "127.0.0.1",
  RATE_LIMIT_LOGIN_PER_IP: "5/60",
  RATE_LIMIT_LOGIN_PER_ACCOUNT: "3/60",
  RATE_LIMIT_REGISTER_PER_IP: "off",
  RATE_LIMIT_REGISTER_PER_ACCOUNT: "2/3600",
  RATE_LIMIT_PASSWORD_RESET_PER_IP: "4/3600",
  RATE_LIMIT_PASSWORD_RESET_PER_ACCOUNT: "2/3600",
  RATE_LIMIT_EMAIL_VERIFICATION_PER_IP: "3/3600",
  RATE_LIMIT_MFA_PER_IP: "3/300",
  RATE_LIMIT_REFRESH_PER_IP: "off",
  RATE_LIMIT_REFRESH_PER_ACCOUNT: "3/60",
};

beforeAll(async () => {
  server = await startTestServer(limits);
});

afterAll(async () => {
  await server?.close();
});

/** A client address of its own for each test, so the tests' counters do not add up. */
let ipCounter = 0;
const freshIp = () => `203.0.113.${++ipCounter}`;
const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });

async function loginAs(email: string, password: string, ip: string, target = server) {
  const result = await target.graphql(LoginAttemptDocument, { input: { email, password } }, from(ip));
  return { status: result.status, headers: result.headers, error: result.data!.login.userErrors[0] };
}

describe("login rate limits", () => {
  it("throttles credential stuffing: many emails from one IP are refused after the per-IP limit, other IPs are not", async () => {
    const ip = freshIp();
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await loginAs(uniqueEmail("stuffed"), "password123456", ip)).error?.code).toBe("INVALID_CREDENTIALS");
    }
    const refused = await loginAs(uniqueEmail("stuffed"), "password123456", ip);
    expect(refused.error).toMatchObject({ code: "RATE_LIMITED" });
    expect(refused.error!.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.error!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBe(refused.error!.retryAfterSeconds);

    expect((await loginAs(uniqueEmail("elsewhere"), "password123456", freshIp())).error?.code).toBe("INVALID_CREDENTIALS");
  });

  it("limits one account across IPs, and refuses a registered and an unknown email alike", async () => {
    const account = await registerAccount(server);
    const unknown = uniqueEmail("nobody");
    for (const email of [account.email, unknown]) {
      for (let attempt = 0; attempt < 3; attempt++) expect((await loginAs(email, "wrong password here", freshIp())).error?.code).toBe("INVALID_CREDENTIALS");
      expect((await loginAs(email, "wrong password here", freshIp())).error?.code).toBe("RATE_LIMITED");
    }
    // Even the right password waits: the limit counts attempts, not failures.
    expect((await loginAs(account.email, strongPassword, freshIp())).error?.code).toBe("RATE_LIMITED");
    const stored = await server.deps.database.prisma.user.findUniqueOrThrow({ where: { id: account.user.id }, select: { failedLoginCount: true } });
    expect(stored.failedLoginCount).toBe(3);
  });

  it("counts aliased logins in one HTTP request one by one", async () => {
    const ip = freshIp();
    const aliases = Array.from({ length: 8 }, (_, index) => `a${index}: login(input: { email: "${uniqueEmail("alias")}", password: "password123456" }) { userErrors { code } }`);
    const packed = await server.graphql<Record<string, { userErrors: { code: string }[] }>, never>(`mutation { ${aliases.join("\n")} }`, undefined, from(ip));
    const codes = Object.values(packed.data!).map((payload) => payload.userErrors[0]!.code);
    expect(codes.filter((code) => code === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((code) => code === "RATE_LIMITED")).toHaveLength(3);
    expect(packed.status).toBe(200);
    expect(packed.headers.get("retry-after")).toBeNull();
  });

  it("throttles guessing a signed-in account's password through changePassword like a login", async () => {
    const account = await registerAccount(server);
    const ip = freshIp();
    const change = `mutation { changePassword(currentPassword: "not the password", newPassword: "another strong password") { userErrors { code } } }`;
    const codes: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const result = await server.graphql<{ changePassword: { userErrors: { code: string }[] } }, never>(change, undefined, { token: account.tokens.accessToken, ...from(ip) });
      codes.push(result.data!.changePassword.userErrors[0]!.code);
    }
    expect(codes).toEqual(["WRONG_PASSWORD", "WRONG_PASSWORD", "WRONG_PASSWORD", "RATE_LIMITED"]);
  });
});

describe("rate limits on the other attempts", () => {
  it("limits registrations per email, so EMAIL_TAKEN cannot be used to list accounts quickly", async () => {
    const account = await registerAccount(server);
    const attempt = async () =>
      (await server.graphql(RegisterAttemptDocument, { input: { email: account.email, password: strongPassword, fullName: "Prober" } }, from(freshIp()))).data!.register.userErrors[0]?.code;
    expect(await attempt()).toBe("EMAIL_TAKEN");
    expect(await attempt()).toBe("RATE_LIMITED");
  });

  it("limits password reset requests per email and per IP, answering the same for unknown emails", async () => {
    const account = await registerAccount(server);
    const unknown = uniqueEmail("nobody");
    const reset = async (email: string, ip: string) => (await server.graphql(PasswordResetAttemptDocument, { email }, from(ip))).data!.requestPasswordReset.userErrors[0]?.code ?? "OK";
    for (const email of [account.email, unknown]) {
      expect([await reset(email, freshIp()), await reset(email, freshIp()), await reset(email, freshIp())]).toEqual(["OK", "OK", "RATE_LIMITED"]);
    }
    const ip = freshIp();
    const perIp = [];
    for (let attempt = 0; attempt < 5; attempt++) perIp.push(await reset(uniqueEmail("spray"), ip));
    expect(perIp).toEqual(["OK", "OK", "OK", "OK", "RATE_LIMITED"]);
  });

  it("limits guessing email verification tokens per IP", async () => {
    const ip = freshIp();
    const codes = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      codes.push((await server.graphql(VerifyEmailAttemptDocument, { token: randomUUID() }, from(ip))).data!.verifyEmail.userErrors[0]?.code);
    }
    expect(codes).toEqual(["INVALID_TOKEN", "INVALID_TOKEN", "INVALID_TOKEN", "RATE_LIMITED"]);
  });

  it("limits guessing MFA challenge ids per IP", async () => {
    const ip = freshIp();
    const codes = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      codes.push((await server.graphql(MfaAttemptDocument, { challengeId: randomUUID(), code: "123456" }, from(ip))).data!.verifyMfa.userErrors[0]?.code);
    }
    expect(codes).toEqual(["INVALID_MFA_CHALLENGE", "INVALID_MFA_CHALLENGE", "INVALID_MFA_CHALLENGE", "RATE_LIMITED"]);
  });

  it("limits refreshes per session", async () => {
    const account = await registerAccount(server);
    let refreshToken = account.tokens.refreshToken;
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await server.graphql(RefreshAttemptDocument, { refreshToken }, from(freshIp()));
      refreshToken = result.data!.refreshToken.tokens!.refreshToken;
    }
    const refused = await server.graphql(RefreshAttemptDocument, { refreshToken }, from(freshIp()));
    expect(refused.data!.refreshToken.userErrors[0]?.code).toBe("RATE_LIMITED");
    expect(refused.status).toBe(429);
    // Refused before the rotation: the client may present the same token once the window has passed.
    const presented = await server.deps.database.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(refreshToken) } });
    expect(presented.usedAt).toBeNull();
  });
});

describe.runIf(process.env.REDIS_URL)("rate limits across replicas", () => {
  let database: TestDatabase;
  const replicas: TestServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // One key store, so both replicas sign and verify with the same keys.
    const shared = { ...limits, REDIS_NAMESPACE: `um-test-${randomUUID()}`, SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
    replicas.push(await startTestServer(shared, { sharedDatabase: database }), await startTestServer(shared, { sharedDatabase: database }));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await database?.drop();
  });

  it("counts attempts on every replica against one limit in Redis", async () => {
    const ip = freshIp();
    const codes = [];
    for (let attempt = 0; attempt < 6; attempt++) codes.push((await loginAs(uniqueEmail("spread"), "password123456", ip, replicas[attempt % 2])).error?.code);
    expect(codes).toEqual([...Array(5).fill("INVALID_CREDENTIALS"), "RATE_LIMITED"]);
  });
});
