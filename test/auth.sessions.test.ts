import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LogoutAllSessionsDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RevokeSessionDocument,
  SessionsDocument,
} from "./generated/graphql.js";
import { sha256Hex } from "../src/platform/crypto.js";
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

  it("answers ten racing refreshes of one token with ten successors, each audited once, and uses the token once", async () => {
    const { tokens, user } = await registerAccount(server);
    const { prisma } = server.deps.database;
    const presented = await prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(tokens.refreshToken) } });
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(tokens.refreshToken)));
    expect(results.filter((result) => result.data?.refreshToken.tokens)).toHaveLength(10);
    const successors = await prisma.refreshToken.findMany({ where: { parentId: presented.id } });
    expect(successors.map((token) => token.tokenHash).sort()).toEqual(results.map((result) => sha256Hex(result.data!.refreshToken.tokens!.refreshToken)).sort());
    expect(successors.every((token) => token.familyId === presented.familyId && token.usedAt === null)).toBe(true);
    const audited = await prisma.auditEvent.count({ where: { action: "session.refreshed", targetId: presented.sessionId, actorId: user.id } });
    expect(audited).toBe(10);
    const used = await prisma.refreshToken.findUniqueOrThrow({ where: { id: presented.id } });
    expect(used.usedAt).not.toBeNull();
  });

  it("rotates in two SQL statements: the lookup, then one that claims, extends the session, audits and issues", async () => {
    const { tokens } = await registerAccount(server);
    const statements: string[] = [];
    const stop = server.deps.database.onQuery((sql) => {
      if (/refresh_tokens|sessions|audit_events|memberships/.test(sql)) statements.push(sql);
    });
    try {
      expect((await refresh(tokens.refreshToken)).data?.refreshToken.tokens).toBeTruthy();
    } finally {
      stop();
    }
    expect(statements).toHaveLength(2);
  });

  it("extends the session's idle expiry on every rotation", async () => {
    const { tokens } = await registerAccount(server);
    const { prisma } = server.deps.database;
    const { sessionId } = await prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(tokens.refreshToken) } });
    const before = await prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
    await sleep(20);
    expect((await refresh(tokens.refreshToken)).data?.refreshToken.tokens).toBeTruthy();
    const after = await prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(after.idleExpiresAt.getTime()).toBeGreaterThan(before.idleExpiresAt.getTime());
    expect(after.lastUsedAt.getTime()).toBeGreaterThan(before.lastUsedAt.getTime());
  });

  it("still honours a rotated token inside the grace window", async () => {
    const { tokens } = await registerAccount(server);
    expect((await refresh(tokens.refreshToken)).data?.refreshToken.tokens).toBeTruthy();
    const again = await refresh(tokens.refreshToken);
    expect(again.data?.refreshToken.tokens).toBeTruthy();
  });

  it("treats reuse after the grace window as theft: the session ends and its successors stop working", async () => {
    const { tokens, user } = await registerAccount(server);
    const successor = (await refresh(tokens.refreshToken)).data!.refreshToken.tokens!;
    await sleep(graceWaitMs);
    const reused = await refresh(tokens.refreshToken);
    expect(reused.data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    expect((await refresh(successor.refreshToken)).data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    const refused = await meWith(successor.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const revoked = await server.deps.database.prisma.auditEvent.findMany({ where: { action: "session.revoked", actorId: user.id } });
    expect(revoked.map((event) => (event.metadata as { reason?: string }).reason)).toEqual(["refresh_token_reuse"]);
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
