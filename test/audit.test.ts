import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuditLogDocument,
  InviteUserDocument,
  LoginDocument,
  LogoutDocument,
  RefreshTokenDocument,
  UpdateCompanySettingsDocument,
  UpdateMemberRoleDocument,
  UpdateProfileDocument,
} from "./generated/graphql.js";
import { registerAccount, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { organizationWithRoles } from "./support/tenancy.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const prisma = () => server.deps.database.prisma;

describe("the audit trail", () => {
  it("records each change with actor, target, client and correlation id; auditLog lists a company's newest first", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const headers = { "x-correlation-id": "audit-test-1", "user-agent": "AuditTest/1.0" };
    await server.graphql(UpdateCompanySettingsDocument, { companyId, input: { dataRetentionDays: 120 } }, { token: members.ADMIN.tokens.accessToken, headers });
    await server.graphql(UpdateMemberRoleDocument, { companyId, userId: members.VIEWER.user.id, role: "MEMBER" }, { token: members.ADMIN.tokens.accessToken, headers });

    const log = (await server.graphql(AuditLogDocument, { companyId, first: 10 }, { token: members.OWNER.tokens.accessToken })).data!.auditLog;
    expect(log.slice(0, 2).map((event) => event.action)).toEqual(["membership.role_changed", "company.settings_updated"]);
    expect(log[0]).toMatchObject({
      targetType: "user",
      targetId: members.VIEWER.user.id,
      correlationId: "audit-test-1",
      userAgent: "AuditTest/1.0",
      ip: "127.0.0.1",
      metadata: { from: "VIEWER", to: "MEMBER" },
      actor: { id: members.ADMIN.user.id },
    });
    expect(log.map((event) => event.action)).toContain("company.created");
    const times = log.map((event) => Date.parse(event.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("writes nothing for a change that was refused", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const before = await prisma().auditEvent.count({ where: { companyId } });
    const refused = await server.graphql(UpdateMemberRoleDocument, { companyId, userId: members.OWNER.user.id, role: "VIEWER" }, { token: members.ADMIN.tokens.accessToken });
    expect(refused.data!.updateMemberRole.ok).toBe(false);
    const badSettings = await server.graphql(UpdateCompanySettingsDocument, { companyId, input: { dataRetentionDays: -1 } }, { token: members.ADMIN.tokens.accessToken });
    expect(badSettings.data!.updateCompanySettings.userErrors).toHaveLength(1);
    expect(await prisma().auditEvent.count({ where: { companyId } })).toBe(before);
  });

  it("covers sign-in and session changes, and never stores a secret", async () => {
    const email = uniqueEmail("audited");
    const account = await registerAccount(server, { email });
    const login = (await server.graphql(LoginDocument, { input: { email, password: strongPassword } })).data!.login.tokens!;
    const refreshed = (await server.graphql(RefreshTokenDocument, { refreshToken: login.refreshToken })).data!.refreshToken.tokens!;
    await server.graphql(UpdateProfileDocument, { input: { fullName: "Renamed" } }, { token: refreshed.accessToken });
    const { companyId, members } = await organizationWithRoles(server);
    const invited = (await server.graphql(InviteUserDocument, { companyId, input: { email: uniqueEmail("invitee"), role: "MEMBER" } }, { token: members.ADMIN.tokens.accessToken })).data!.inviteUser;
    await server.graphql(LogoutDocument, {}, { token: refreshed.accessToken });

    const events = await prisma().auditEvent.findMany({ where: { actorId: account.user.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => event.action)).toEqual(["user.registered", "auth.login", "session.refreshed", "user.profile_updated", "session.revoked"]);
    const everything = JSON.stringify(await prisma().auditEvent.findMany());
    for (const secret of [strongPassword, login.refreshToken, refreshed.refreshToken, login.accessToken, invited.invitationCode!]) {
      expect(everything).not.toContain(secret);
    }
  });

  it("pages with `after` (an event id) and refuses ids that are not from this log", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    for (const days of [31, 32, 33]) {
      await server.graphql(UpdateCompanySettingsDocument, { companyId, input: { dataRetentionDays: days } }, { token: members.OWNER.tokens.accessToken });
    }
    const token = members.OWNER.tokens.accessToken;
    const all = (await server.graphql(AuditLogDocument, { companyId, first: 100 }, { token })).data!.auditLog.map((event) => event.id);
    const first = (await server.graphql(AuditLogDocument, { companyId, first: 2 }, { token })).data!.auditLog.map((event) => event.id);
    const next = (await server.graphql(AuditLogDocument, { companyId, first: 2, after: first[1] }, { token })).data!.auditLog.map((event) => event.id);
    expect([...first, ...next]).toEqual(all.slice(0, 4));

    const other = await organizationWithRoles(server, "Other");
    const foreignEvent = (await server.graphql(AuditLogDocument, { companyId: other.companyId, first: 1 }, { token: other.members.OWNER.tokens.accessToken })).data!.auditLog[0]!.id;
    for (const after of [foreignEvent, "garbage"]) {
      const result = await server.graphql(AuditLogDocument, { companyId, first: 2, after }, { token });
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("is for ADMIN+ of that company only", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const outsider = await registerAccount(server);
    for (const token of [members.MANAGER.tokens.accessToken, members.VIEWER.tokens.accessToken, outsider.tokens.accessToken]) {
      const result = await server.graphql(AuditLogDocument, { companyId }, { token });
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    expect((await server.graphql(AuditLogDocument, { companyId }, { token: members.ADMIN.tokens.accessToken })).errors).toBeUndefined();
  });

  it("is append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused", async () => {
    const { companyId } = await organizationWithRoles(server);
    const before = await prisma().auditEvent.findMany({ where: { companyId }, orderBy: { id: "asc" } });
    expect(before.length).toBeGreaterThan(0);
    const event = before[0]!;
    await expect(prisma().auditEvent.update({ where: { id: event.id }, data: { action: "forged" } })).rejects.toThrow(/append-only/);
    await expect(prisma().auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(prisma().auditEvent.deleteMany({ where: { companyId } })).rejects.toThrow(/append-only/);
    await expect(prisma().$executeRawUnsafe('TRUNCATE "audit_events"')).rejects.toThrow(/append-only/);
    // Deleting the company or the actor would rewrite their audit rows, so it is refused too.
    await expect(prisma().company.delete({ where: { id: companyId } })).rejects.toThrow();
    expect(await prisma().auditEvent.findMany({ where: { companyId }, orderBy: { id: "asc" } })).toEqual(before);
  });
});
