import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginDocument, MeDocument, RefreshTokenDocument, RevokeUserSessionsDocument, SuspendUserDocument, UnlockUserDocument, UnsuspendUserDocument } from "./generated/graphql.js";
import { generateSigningKey } from "../src/platform/tokens/index.js";
import { registerAccount, strongPassword } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { organizationWithRoles } from "./support/tenancy.js";

let database: TestDatabase;
let server: TestServer;
/** Both servers of the PLATFORM_OPERATOR_IDS test accept each other's tokens. */
let signingKeys: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const key = await generateSigningKey(Math.floor(Date.now() / 1000));
  signingKeys = JSON.stringify([{ kid: key.kid, ...key.jwk }]);
  server = await startTestServer({ JWT_SIGNING_KEYS: signingKeys }, { sharedDatabase: database });
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function operator() {
  const account = await registerAccount(server, { fullName: "Operator" });
  await server.deps.database.prisma.user.update({ where: { id: account.user.id }, data: { isPlatformOperator: true } });
  return account;
}

const loginCode = async (email: string) =>
  (await server.graphql(LoginDocument, { input: { email, password: strongPassword } })).data!.login.userErrors[0]?.code ?? "OK";

describe("suspendUser and unsuspendUser", () => {
  it("let an operator suspend an account with a reason: its sessions end at once and sign-in says ACCOUNT_SUSPENDED", async () => {
    const op = await operator();
    const user = await registerAccount(server);
    const suspended = await server.graphql(SuspendUserDocument, { userId: user.user.id, reason: "chargeback fraud" }, { token: op.tokens.accessToken });
    expect(suspended.data!.suspendUser).toEqual({ ok: true, userErrors: [] });
    expect((await server.graphql(MeDocument, {}, { token: user.tokens.accessToken })).status).toBe(401);
    expect((await server.graphql(RefreshTokenDocument, { refreshToken: user.tokens.refreshToken })).data!.refreshToken.userErrors[0]!.code).toBe("INVALID_REFRESH_TOKEN");
    expect(await loginCode(user.email)).toBe("ACCOUNT_SUSPENDED");
    const audit = await server.deps.database.prisma.auditEvent.findFirstOrThrow({ where: { action: "user.suspended", targetId: user.user.id } });
    expect(audit).toMatchObject({ actorId: op.user.id, metadata: { reason: "chargeback fraud" } });

    expect((await server.graphql(UnsuspendUserDocument, { userId: user.user.id }, { token: op.tokens.accessToken })).data!.unsuspendUser.ok).toBe(true);
    expect(await loginCode(user.email)).toBe("OK");
  });

  it("are refused to everyone else, company OWNERs included, and need a reason", async () => {
    const { members } = await organizationWithRoles(server);
    for (const role of ["OWNER", "ADMIN"] as const) {
      const result = await server.graphql(SuspendUserDocument, { userId: members.MEMBER.user.id, reason: "no" }, { token: members[role].tokens.accessToken });
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    expect((await server.graphql(SuspendUserDocument, { userId: members.MEMBER.user.id, reason: "x" })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const op = await operator();
    const blank = await server.graphql(SuspendUserDocument, { userId: members.MEMBER.user.id, reason: "  " }, { token: op.tokens.accessToken });
    expect(blank.data!.suspendUser.userErrors[0]!.code).toBe("REQUIRED");
    const self = await server.graphql(SuspendUserDocument, { userId: op.user.id, reason: "oops" }, { token: op.tokens.accessToken });
    expect(self.data!.suspendUser.userErrors[0]!.code).toBe("CANNOT_TARGET_SELF");
    expect(await loginCode(members.MEMBER.email)).toBe("OK");
  });

  it("also count operators listed in PLATFORM_OPERATOR_IDS", async () => {
    const account = await registerAccount(server);
    const target = await registerAccount(server);
    const listing = await startTestServer({ PLATFORM_OPERATOR_IDS: account.user.id.toUpperCase(), JWT_SIGNING_KEYS: signingKeys }, { sharedDatabase: database });
    try {
      const result = await listing.graphql(SuspendUserDocument, { userId: target.user.id, reason: "policy" }, { token: account.tokens.accessToken });
      expect(result.data!.suspendUser.ok).toBe(true);
      const elsewhere = await server.graphql(UnsuspendUserDocument, { userId: target.user.id }, { token: account.tokens.accessToken });
      expect(elsewhere.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    } finally {
      await listing.close();
    }
  });
});

describe("unlockUser and revokeUserSessions", () => {
  it("let ADMINs act on members below them, and operators on anyone", async () => {
    const { members } = await organizationWithRoles(server);
    await server.deps.database.prisma.user.update({ where: { id: members.MEMBER.user.id }, data: { failedLoginCount: 5, lockoutCount: 1, lockedUntil: new Date(Date.now() + 600_000) } });
    expect(await loginCode(members.MEMBER.email)).toBe("ACCOUNT_LOCKED");
    const byManager = await server.graphql(UnlockUserDocument, { userId: members.MEMBER.user.id }, { token: members.MANAGER.tokens.accessToken });
    expect(byManager.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const byAdmin = await server.graphql(UnlockUserDocument, { userId: members.MEMBER.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(byAdmin.data!.unlockUser.ok).toBe(true);
    expect(await loginCode(members.MEMBER.email)).toBe("OK");

    const onOwner = await server.graphql(RevokeUserSessionsDocument, { userId: members.OWNER.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(onOwner.data!.revokeUserSessions.userErrors[0]!.code).toBe("ROLE_NOT_BELOW_YOURS");
    expect((await server.graphql(MeDocument, {}, { token: members.OWNER.tokens.accessToken })).status).toBe(200);
    const onViewer = await server.graphql(RevokeUserSessionsDocument, { userId: members.VIEWER.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(onViewer.data!.revokeUserSessions.ok).toBe(true);
    expect((await server.graphql(MeDocument, {}, { token: members.VIEWER.tokens.accessToken })).status).toBe(401);

    const stranger = await registerAccount(server);
    const outside = await server.graphql(RevokeUserSessionsDocument, { userId: stranger.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(outside.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const op = await operator();
    expect((await server.graphql(RevokeUserSessionsDocument, { userId: stranger.user.id }, { token: op.tokens.accessToken })).data!.revokeUserSessions.ok).toBe(true);
    expect((await server.graphql(MeDocument, {}, { token: stranger.tokens.accessToken })).status).toBe(401);
  });
});
