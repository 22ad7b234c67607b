import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CompanyMembersDocument,
  LeaveCompanyDocument,
  MeDocument,
  RefreshTokenDocument,
  RemoveMemberDocument,
  TransferOwnershipDocument,
  UpdateMemberRoleDocument,
} from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { organizationWithRoles } from "./support/tenancy.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function rolesIn(companyId: string): Promise<Record<string, string>> {
  const rows = await server.deps.database.prisma.membership.findMany({ where: { companyId }, select: { userId: true, role: true } });
  return Object.fromEntries(rows.map((row) => [row.userId, row.role]));
}

async function claimsOf(accessToken: string) {
  return server.deps.tokens.verifyAccessToken(accessToken);
}

describe("updateMemberRole", () => {
  it("lets a caller change only roles below their own, to roles below their own", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const before = await rolesIn(companyId);
    const attempts = [
      { by: "ADMIN", target: "MEMBER", role: "MANAGER", code: null },
      { by: "ADMIN", target: "MANAGER", role: "ADMIN", code: "ROLE_NOT_BELOW_YOURS" },
      { by: "ADMIN", target: "OWNER", role: "MEMBER", code: "OWNERSHIP_TRANSFER_REQUIRED" },
      { by: "OWNER", target: "ADMIN", role: "OWNER", code: "OWNERSHIP_TRANSFER_REQUIRED" },
      { by: "OWNER", target: "OWNER", role: "ADMIN", code: "CANNOT_TARGET_SELF" },
      { by: "ADMIN", target: "ADMIN", role: "VIEWER", code: "CANNOT_TARGET_SELF" },
    ] as const;
    for (const attempt of attempts) {
      const result = await server.graphql(
        UpdateMemberRoleDocument,
        { companyId, userId: members[attempt.target].user.id, role: attempt.role },
        { token: members[attempt.by].tokens.accessToken },
      );
      expect(result.data!.updateMemberRole.userErrors.map((error) => error.code), JSON.stringify(attempt)).toEqual(attempt.code ? [attempt.code] : []);
    }
    expect(await rolesIn(companyId)).toEqual({ ...before, [members.MEMBER.user.id]: "MANAGER" });
    const listed = await server.graphql(CompanyMembersDocument, { id: companyId }, { token: members.OWNER.tokens.accessToken });
    const listedRoles = Object.fromEntries(listed.data!.company!.members!.edges.map((edge) => [edge.node.user.id, edge.node.role]));
    expect(listedRoles).toEqual(await rolesIn(companyId));
  });

  it("is FORBIDDEN below ADMIN, and a user error for strangers, unknown and malformed user ids", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const before = await rolesIn(companyId);
    const byManager = await server.graphql(UpdateMemberRoleDocument, { companyId, userId: members.VIEWER.user.id, role: "MEMBER" }, { token: members.MANAGER.tokens.accessToken });
    expect(byManager.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const stranger = await registerAccount(server);
    for (const userId of [stranger.user.id, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const result = await server.graphql(UpdateMemberRoleDocument, { companyId, userId, role: "MEMBER" }, { token: members.OWNER.tokens.accessToken });
      expect(result.status).toBe(200);
      expect(result.data!.updateMemberRole.userErrors[0]!.code).toBe("NOT_A_MEMBER");
    }
    expect(await rolesIn(companyId)).toEqual(before);
  });

  it("takes effect on the member's very next request; their next refresh carries the new role", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const member = members.MEMBER;
    expect((await server.graphql(MeDocument, {}, { token: member.tokens.accessToken })).status).toBe(200);
    await server.graphql(UpdateMemberRoleDocument, { companyId, userId: member.user.id, role: "VIEWER" }, { token: members.ADMIN.tokens.accessToken });

    const stale = await server.graphql(MeDocument, {}, { token: member.tokens.accessToken });
    expect(stale.status).toBe(401);
    const refreshed = (await server.graphql(RefreshTokenDocument, { refreshToken: member.tokens.refreshToken })).data!.refreshToken.tokens!;
    expect(await claimsOf(refreshed.accessToken)).toMatchObject({ companyId, role: "VIEWER", permissions: ["data.read_only", "reports.read_only"] });
    expect((await server.graphql(MeDocument, {}, { token: refreshed.accessToken })).data!.me!.activeCompany!.id).toBe(companyId);
    // Tokens of other members are untouched.
    expect((await server.graphql(MeDocument, {}, { token: members.MANAGER.tokens.accessToken })).status).toBe(200);
  });
});

describe("removeMember and leaveCompany", () => {
  it("removes a lower role at once; the removed member's next refresh falls back to their individual company", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const viewer = members.VIEWER;
    const removed = await server.graphql(RemoveMemberDocument, { companyId, userId: viewer.user.id }, { token: members.MANAGER.tokens.accessToken });
    expect(removed.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const byAdmin = await server.graphql(RemoveMemberDocument, { companyId, userId: viewer.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(byAdmin.data!.removeMember).toEqual({ ok: true, userErrors: [] });

    expect((await server.graphql(MeDocument, {}, { token: viewer.tokens.accessToken })).status).toBe(401);
    const refreshed = (await server.graphql(RefreshTokenDocument, { refreshToken: viewer.tokens.refreshToken })).data!.refreshToken.tokens!;
    const me = await server.graphql(MeDocument, {}, { token: refreshed.accessToken });
    expect(me.data!.me!.activeCompany!.type).toBe("INDIVIDUAL");
    const members2 = await server.graphql(CompanyMembersDocument, { id: companyId }, { token: members.OWNER.tokens.accessToken });
    expect(members2.data!.company!.members!.edges.map((edge) => edge.node.user.id)).not.toContain(viewer.user.id);
  });

  it("never removes a role at or above the caller's, nor the OWNER", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const before = await rolesIn(companyId);
    const cases = [
      { by: "ADMIN", target: "OWNER", code: "OWNERSHIP_TRANSFER_REQUIRED" },
      { by: "OWNER", target: "OWNER", code: "CANNOT_TARGET_SELF" },
    ] as const;
    for (const attempt of cases) {
      const result = await server.graphql(RemoveMemberDocument, { companyId, userId: members[attempt.target].user.id }, { token: members[attempt.by].tokens.accessToken });
      expect(result.data!.removeMember.userErrors[0]!.code).toBe(attempt.code);
    }
    await server.deps.database.prisma.membership.updateMany({ where: { companyId, userId: members.MANAGER.user.id }, data: { role: "ADMIN" } });
    const peer = await server.graphql(RemoveMemberDocument, { companyId, userId: members.MANAGER.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(peer.data!.removeMember.userErrors[0]!.code).toBe("ROLE_NOT_BELOW_YOURS");
    expect(await rolesIn(companyId)).toEqual({ ...before, [members.MANAGER.user.id]: "ADMIN" });
  });

  it("lets members leave, but not the OWNER until ownership has moved", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const left = await server.graphql(LeaveCompanyDocument, { companyId }, { token: members.MEMBER.tokens.accessToken });
    expect(left.data!.leaveCompany.ok).toBe(true);
    const ownerLeaves = await server.graphql(LeaveCompanyDocument, { companyId }, { token: members.OWNER.tokens.accessToken });
    expect(ownerLeaves.data!.leaveCompany.userErrors[0]!.code).toBe("OWNERSHIP_TRANSFER_REQUIRED");
    expect(Object.values(await rolesIn(companyId)).filter((role) => role === "OWNER")).toHaveLength(1);
  });
});

describe("transferOwnership", () => {
  it("makes the target OWNER and the old owner ADMIN in one step; only the OWNER may do it", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const byAdmin = await server.graphql(TransferOwnershipDocument, { companyId, userId: members.ADMIN.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(byAdmin.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const moved = await server.graphql(TransferOwnershipDocument, { companyId, userId: members.MANAGER.user.id }, { token: members.OWNER.tokens.accessToken });
    expect(moved.data!.transferOwnership).toEqual({ ok: true, userErrors: [] });
    const roles = await rolesIn(companyId);
    expect(roles[members.MANAGER.user.id]).toBe("OWNER");
    expect(roles[members.OWNER.user.id]).toBe("ADMIN");
    expect(Object.values(roles).filter((role) => role === "OWNER")).toHaveLength(1);

    // Both old tokens are refused; the former owner, now ADMIN, may leave.
    expect((await server.graphql(MeDocument, {}, { token: members.OWNER.tokens.accessToken })).status).toBe(401);
    const formerOwner = (await server.graphql(RefreshTokenDocument, { refreshToken: members.OWNER.tokens.refreshToken })).data!.refreshToken.tokens!;
    expect(await claimsOf(formerOwner.accessToken)).toMatchObject({ companyId, role: "ADMIN" });
    const left = await server.graphql(LeaveCompanyDocument, { companyId }, { token: formerOwner.accessToken });
    expect(left.data!.leaveCompany.ok).toBe(true);
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("leaves exactly one OWNER when two transfers race", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const results = await Promise.all(
      [members.ADMIN, members.MANAGER].map((target) =>
        server.graphql(TransferOwnershipDocument, { companyId, userId: target.user.id }, { token: members.OWNER.tokens.accessToken }),
      ),
    );
    expect(results.filter((result) => result.data?.transferOwnership.ok)).toHaveLength(1);
    expect(Object.values(await rolesIn(companyId)).filter((role) => role === "OWNER")).toHaveLength(1);
  });
});
