import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LogoutAllSessionsDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RevokeSessionDocument,
  SessionsDocument,
} from "./generated/graphql.js";
import { registerAccount, signIn } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const graceWaitMs = 3_300;

beforeAll(async () => {
  // Short enough for the theft tests to wait out, long enough for ten refreshes racing on a loaded machine.
  server = await startTestServer({ REFRESH_REUSE_GRACE_SECONDS: "3" });
});

afterAll(async () => {
  await server?.close();
});

const refresh = (refreshToken: string) => server.graphql(RefreshTokenDocument, { refreshToken });
const meWith = (token: string) => server.graphql(MeDocument, {}, { token });

describe("refreshToken", () => {
  it("rotates on every use, and the new pair works", async () => {
    const { tokens, user } = await registerAccount(server);
    const first = (await refresh(tokens.refreshToken)).data!.refreshToken;
    expect(first.userErrors).toEqual([]);
    expect(first.tokens!.refreshToken).not.toBe(tokens.refreshToken);
    expect(first.tokens!.accessToken).not.toBe(tokens.accessToken);
    const second = (await refresh(first.tokens!.refreshToken)).data!.refreshToken;
    expect(second.tokens).toBeTruthy();
    expect((await meWith(second.tokens!.accessToken)).data?.me?.id).toBe(user.id);
  });

  it("gives ten concurrent refreshes with one token ten valid pairs, and the session survives", async () => {
    const { tokens, user } = await registerAccount(server);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(tokens.refreshToken)));
    const pairs = results.map((result) => result.data?.refreshToken.tokens);
    expect(results.map((result) => result.data?.refreshToken.userErrors)).toEqual(Array(10).fill([]));
    expect(new Set(pairs.map((pair) => pair!.refreshToken)).size).toBe(10);
    for (const pair of pairs) {
      expect((await meWith(pair!.accessToken)).data?.me?.id).toBe(user.id);
    }
    const next = await refresh(pairs[9]!.refreshToken);
    expect(next.data?.refreshToken.tokens).toBeTruthy();
  });

  it("still honours a rotated token inside the grace window", async () => {
    const { tokens } = await registerAccount(server);
    expect((await refresh(tokens.refreshToken)).data?.refreshToken.tokens).toBeTruthy();
    const again = await refresh(tokens.refreshToken);
    expect(again.data?.refreshToken.tokens).toBeTruthy();
  });

  it("treats reuse after the grace window as theft: the session ends and its successors stop working", async () => {
    const { tokens } = await registerAccount(server);
    const successor = (await refresh(tokens.refreshToken)).data!.refreshToken.tokens!;
    await sleep(graceWaitMs);
    const reused = await refresh(tokens.refreshToken);
    expect(reused.data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    expect((await refresh(successor.refreshToken)).data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    const refused = await meWith(successor.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("stops refreshing once the account is no longer active", async () => {
    const { tokens, user } = await registerAccount(server);
    await server.deps.database.prisma.user.update({ where: { id: user.id }, data: { status: "SUSPENDED" } });
    expect((await refresh(tokens.refreshToken)).data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
  });

  it("refuses unknown, empty and over-long tokens", async () => {
    for (const token of ["nope", "", "x".repeat(10_000)]) {
      expect((await refresh(token)).data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    }
  });
});

describe("logout and revocation", () => {
  it("after logout the session's access token is refused on the next request, and its refresh token too", async () => {
    const { tokens } = await registerAccount(server);
    expect((await meWith(tokens.accessToken)).data?.me).toBeTruthy();
    expect((await server.graphql(LogoutDocument, {}, { token: tokens.accessToken })).data?.logout.ok).toBe(true);
    expect((await meWith(tokens.accessToken)).status).toBe(401);
    expect((await refresh(tokens.refreshToken)).data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
  });

  it("after logoutAllSessions every session's token is refused, and signing in again works at once", async () => {
    const account = await registerAccount(server);
    const other = await signIn(server, account.email);
    await server.graphql(LogoutAllSessionsDocument, {}, { token: account.tokens.accessToken });
    expect((await meWith(account.tokens.accessToken)).status).toBe(401);
    expect((await meWith(other.accessToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    const fresh = await signIn(server, account.email);
    expect((await meWith(fresh.accessToken)).data?.me?.id).toBe(account.user.id);
  });

  it("lists the caller's sessions, marks the current one, and revokes another", async () => {
    const account = await registerAccount(server);
    const laptop = await signIn(server, account.email, undefined, "Laptop/1.0");
    const sessions = (await server.graphql(SessionsDocument, {}, { token: laptop.accessToken })).data!.sessions;
    expect(sessions).toHaveLength(2);
    const current = sessions.find((session) => session.current)!;
    expect(current.userAgent).toBe("Laptop/1.0");
    const phone = sessions.find((session) => !session.current)!;

    const revoked = await server.graphql(RevokeSessionDocument, { id: phone.id }, { token: laptop.accessToken });
    expect(revoked.data?.revokeSession).toEqual({ ok: true, userErrors: [] });
    expect((await meWith(account.tokens.accessToken)).status).toBe(401);
    expect((await meWith(laptop.accessToken)).data?.me).toBeTruthy();
    expect((await server.graphql(SessionsDocument, {}, { token: laptop.accessToken })).data?.sessions).toHaveLength(1);
  });

  it("cannot revoke someone else's session", async () => {
    const alice = await registerAccount(server);
    const bob = await registerAccount(server);
    const bobSession = (await server.graphql(SessionsDocument, {}, { token: bob.tokens.accessToken })).data!.sessions[0]!;
    const attempt = await server.graphql(RevokeSessionDocument, { id: bobSession.id }, { token: alice.tokens.accessToken });
    expect(attempt.data?.revokeSession.userErrors[0]?.code).toBe("NOT_FOUND");
    expect((await meWith(bob.tokens.accessToken)).data?.me).toBeTruthy();
    const malformed = await server.graphql(RevokeSessionDocument, { id: "not-a-uuid" }, { token: alice.tokens.accessToken });
    expect(malformed.data?.revokeSession.userErrors[0]?.code).toBe("NOT_FOUND");
  });

  it("requires a token for session operations", async () => {
    const result = await server.graphql(SessionsDocument, {});
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const logout = await server.graphql(LogoutDocument, {});
    expect(logout.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("session limits", () => {
  let limited: TestServer;

  beforeAll(async () => {
    limited = await startTestServer({ SESSION_IDLE_TIMEOUT_SECONDS: "1", SESSION_ABSOLUTE_TIMEOUT_SECONDS: "2" });
  });

  afterAll(async () => {
    await limited?.close();
  });

  it("ends an idle session at refresh, and refuses access tokens past the absolute limit", async () => {
    const idle = await registerAccount(limited);
    await sleep(graceWaitMs);
    const late = await limited.graphql(RefreshTokenDocument, { refreshToken: idle.tokens.refreshToken });
    expect(late.data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    await sleep(900);
    const expired = await limited.graphql(MeDocument, {}, { token: idle.tokens.accessToken });
    expect(expired.status).toBe(401);
  });
});
