import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginDocument } from "./generated/graphql.js";
import { registerAccount, strongPassword } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  // The lockout is measured alone: rate limits would refuse the 20 parallel guesses before they count.
  server = await startTestServer({ RATE_LIMIT_LOGIN_PER_ACCOUNT: "off" });
});

afterAll(async () => {
  await server?.close();
});

const wrongPassword = "definitely not the password";

async function login(email: string, password: string) {
  const result = await server.graphql(LoginDocument, { input: { email, password } });
  return result.data!.login.userErrors[0]?.code ?? "OK";
}

function lockState(userId: string) {
  return server.deps.database.prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { failedLoginCount: true, lockoutCount: true, lockedUntil: true, lastFailedLoginAt: true },
  });
}

const secondsLocked = (state: { lockedUntil: Date | null; lastFailedLoginAt: Date | null }) =>
  state.lockedUntil && state.lastFailedLoginAt ? Math.round((state.lockedUntil.getTime() - state.lastFailedLoginAt.getTime()) / 1000) : 0;

describe("account lockout", () => {
  it("locks after 5 wrong passwords in 15 minutes, and says so only to the right password", async () => {
    const account = await registerAccount(server);
    for (let attempt = 0; attempt < 4; attempt++) expect(await login(account.email, wrongPassword)).toBe("INVALID_CREDENTIALS");
    expect(await login(account.email, strongPassword)).toBe("OK");
    expect((await lockState(account.user.id)).failedLoginCount).toBe(0);

    for (let attempt = 0; attempt < 5; attempt++) expect(await login(account.email, wrongPassword)).toBe("INVALID_CREDENTIALS");
    const locked = await lockState(account.user.id);
    expect(secondsLocked(locked)).toBe(300);
    expect(await login(account.email, wrongPassword)).toBe("INVALID_CREDENTIALS");
    expect(await login(account.email, strongPassword)).toBe("ACCOUNT_LOCKED");
  });

  it("doubles each further lockout", async () => {
    const account = await registerAccount(server);
    for (let attempt = 0; attempt < 10; attempt++) await login(account.email, wrongPassword);
    const state = await lockState(account.user.id);
    expect(state).toMatchObject({ failedLoginCount: 10, lockoutCount: 2 });
    expect(secondsLocked(state)).toBe(600);
  });

  it("restarts the count once the window has passed", async () => {
    const account = await registerAccount(server);
    await server.deps.database.prisma.user.update({
      where: { id: account.user.id },
      data: { failedLoginCount: 4, lastFailedLoginAt: new Date(Date.now() - 16 * 60_000) },
    });
    await login(account.email, wrongPassword);
    expect(await lockState(account.user.id)).toMatchObject({ failedLoginCount: 1, lockedUntil: null });
    expect(await login(account.email, strongPassword)).toBe("OK");
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("counts 20 concurrent wrong passwords exactly as 20 sequential ones", async () => {
    const [parallel, sequential] = await Promise.all([registerAccount(server), registerAccount(server)]);
    await Promise.all(Array.from({ length: 20 }, () => login(parallel.email, wrongPassword)));
    for (let attempt = 0; attempt < 20; attempt++) await login(sequential.email, wrongPassword);
    const [a, b] = await Promise.all([lockState(parallel.user.id), lockState(sequential.user.id)]);
    expect({ failures: a.failedLoginCount, lockouts: a.lockoutCount, seconds: secondsLocked(a) }).toEqual({ failures: 20, lockouts: 4, seconds: 2400 });
    expect({ failures: b.failedLoginCount, lockouts: b.lockoutCount, seconds: secondsLocked(b) }).toEqual({ failures: 20, lockouts: 4, seconds: 2400 });
  });
});
