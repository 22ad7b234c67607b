import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsOf } from "../src/permissions/roles.js";
import {
  ConfirmTotpDocument,
  DeleteMyAccountDocument,
  EnrollTotpDocument,
  ExportMyDataDocument,
  InviteUserDocument,
  LoginDocument,
  MeDocument,
  RefreshTokenDocument,
  RegisterDocument,
  TransferOwnershipDocument,
} from "./generated/graphql.js";
import { registerAccount, signIn, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { addMember, createOrganization } from "./support/tenancy.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const prisma = () => server.deps.database.prisma;

// The JSON scalar is typed unknown; assertions read it by path.
type Exported = Record<string, any>;

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  return [];
}

/** What the database holds for the user, row counts per table that deletion empties. */
async function personalRows(userId: string, email: string) {
  const db = prisma();
  return {
    sessions: await db.session.count({ where: { userId } }),
    refreshTokens: await db.refreshToken.count({ where: { userId } }),
    mfaFactors: await db.mfaFactor.count({ where: { userId } }),
    recoveryCodes: await db.recoveryCode.count({ where: { userId } }),
    oneTimeTokens: await db.oneTimeToken.count({ where: { userId } }),
    externalIdentities: await db.externalIdentity.count({ where: { userId } }),
    loginAttempts: await db.loginAttempt.count({ where: { OR: [{ userId }, { email }] } }),
    securityEvents: await db.securityEvent.count({ where: { userId } }),
    memberships: await db.membership.count({ where: { userId } }),
  };
}

async function accountWithEverything(fullName: string) {
  const account = await registerAccount(server, { fullName });
  const token = account.tokens.accessToken;
  const login = await signIn(server, account.email);
  await server.graphql(LoginDocument, { input: { email: account.email, password: "not the password at all" } });
  await prisma().securityEvent.create({ data: { userId: account.user.id, patterns: ["new_device"], riskScore: 0.2, action: "allowed", ip: "192.0.2.7" } });
  await prisma().externalIdentity.create({
    data: { userId: account.user.id, provider: "GOOGLE", issuer: "https://accounts.google.com", subject: `google-${account.user.id}`, email: account.email },
  });
  const companyId = await createOrganization(server, account, "Export Trading");
  const invited = await server.graphql(InviteUserDocument, { companyId, input: { email: uniqueEmail("invitee"), role: "MEMBER" } }, { token });
  expect(invited.data?.inviteUser.userErrors).toEqual([]);
  const { secret } = (await server.graphql(EnrollTotpDocument, {}, { token })).data!.enrollTotp.enrollment!;
  const confirmed = await server.graphql(ConfirmTotpDocument, { code: await generate({ secret }) }, { token });
  expect(confirmed.data?.confirmTotp.recoveryCodes).toHaveLength(10);
  return { ...account, companyId, secret, login };
}

describe("exportMyData", () => {
  it("answers each kind of data stored about the caller, with a format version and no field named like a hash, secret or token", async () => {
    const account = await accountWithEverything("Erika Exportable");
    const other = await registerAccount(server, { fullName: "Someone Else" });
    const exported = (await server.graphql(ExportMyDataDocument, {}, { token: account.tokens.accessToken })).data!.exportMyData as Exported;

    expect(exported.formatVersion).toBe(1);
    expect(Math.abs(Date.parse(exported.exportedAt) - Date.now())).toBeLessThan(60_000);
    expect(exported.truncated).toEqual([]);
    expect(exported.profile).toMatchObject({ id: account.user.id, email: account.email, fullName: "Erika Exportable" });
    expect(exported.mfa.enabled).toBe(true);
    expect(exported.mfa.confirmedAt).toEqual(expect.any(String));
    expect(exported.externalIdentities).toEqual([expect.objectContaining({ provider: "GOOGLE", issuer: "https://accounts.google.com", subject: `google-${account.user.id}`, email: account.email })]);
    expect(exported.memberships.map((row: { company: { type: string } }) => row.company.type).sort()).toEqual(["INDIVIDUAL", "ORGANIZATION"]);
    expect(exported.sessions.length).toBeGreaterThanOrEqual(2);
    expect(exported.loginAttempts.map((row: { success: boolean }) => row.success).sort()).toEqual([false, true]);
    expect(exported.securityEvents).toEqual([expect.objectContaining({ patterns: ["new_device"], action: "allowed" })]);
    expect(exported.auditEvents.map((row: { action: string }) => row.action)).toEqual(expect.arrayContaining(["user.registered", "auth.login", "company.created", "invitation.created"]));
    expect(exported.invitationsSent).toEqual([expect.objectContaining({ companyId: account.companyId, role: "MEMBER", status: "PENDING" })]);

    expect(keysOf(exported).filter((key) => /hash|secret|token/i.test(key))).toEqual([]);
    const text = JSON.stringify(exported);
    const stored = await prisma().user.findUniqueOrThrow({ where: { id: account.user.id }, select: { passwordHash: true, mfaFactors: { select: { secretEncrypted: true } } } });
    expect(text).not.toContain(stored.passwordHash!);
    expect(text).not.toContain(stored.mfaFactors[0]!.secretEncrypted);
    expect(text).not.toContain(account.secret);
    expect(text).not.toContain(other.user.id);
    expect(text).not.toContain(other.email);
  });

  it("takes no arguments and needs a signed-in caller", async () => {
    const anonymous = await server.graphql(ExportMyDataDocument, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const withArgument = await server.graphql(`query { exportMyData(userId: "${(await registerAccount(server)).user.id}") }`, {});
    expect(withArgument.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("deleteMyAccount refusals", () => {
  it("answers WRONG_PASSWORD for a wrong password and writes nothing", async () => {
    const account = await accountWithEverything("Wendy Wrong");
    const before = await personalRows(account.user.id, account.email);
    const auditBefore = await prisma().auditEvent.count();
    const userBefore = await prisma().user.findUniqueOrThrow({ where: { id: account.user.id } });

    const result = await server.graphql(DeleteMyAccountDocument, { password: "definitely not it" }, { token: account.tokens.accessToken });
    expect(result.data?.deleteMyAccount).toEqual({ ok: false, userErrors: [expect.objectContaining({ code: "WRONG_PASSWORD", field: ["password"] })] });
    const missing = await server.graphql(DeleteMyAccountDocument, {}, { token: account.tokens.accessToken });
    expect(missing.data?.deleteMyAccount.userErrors[0]?.code).toBe("REQUIRED");

    expect(await personalRows(account.user.id, account.email)).toEqual(before);
    expect(await prisma().auditEvent.count()).toBe(auditBefore);
    expect(await prisma().user.findUniqueOrThrow({ where: { id: account.user.id } })).toEqual(userBefore);
    expect((await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).data?.me?.id).toBe(account.user.id);
  });

  it("refuses the sole OWNER of an organization with other members (SOLE_OWNER_WITH_MEMBERS) until ownership moves", async () => {
    const owner = await registerAccount(server, { fullName: "Olga Owner" });
    const member = await registerAccount(server);
    const companyId = await createOrganization(server, owner, "Owned Trading");
    await addMember(server, companyId, member.user.id, "ADMIN");
    const auditBefore = await prisma().auditEvent.count();

    const refused = await server.graphql(DeleteMyAccountDocument, { password: strongPassword }, { token: owner.tokens.accessToken });
    expect(refused.data?.deleteMyAccount.userErrors[0]?.code).toBe("SOLE_OWNER_WITH_MEMBERS");
    expect(refused.data?.deleteMyAccount.userErrors[0]?.message).toContain(companyId);
    expect(await prisma().auditEvent.count()).toBe(auditBefore);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: owner.user.id } })).status).toBe("ACTIVE");

    const moved = await server.graphql(TransferOwnershipDocument, { companyId, userId: member.user.id }, { token: owner.tokens.accessToken });
    expect(moved.data?.transferOwnership.ok).toBe(true);
    const deleted = await server.graphql(DeleteMyAccountDocument, { password: strongPassword }, { token: owner.tokens.accessToken });
    expect(deleted.data?.deleteMyAccount).toEqual({ ok: true, userErrors: [] });
    const company = await prisma().company.findUniqueOrThrow({ where: { id: companyId }, include: { memberships: true } });
    expect(company.status).toBe("ACTIVE");
    expect(company.memberships.map((row) => [row.userId, row.role])).toEqual([[member.user.id, "OWNER"]]);
  });

  it("asks an account without a password for a recent second factor or SSO sign-in", async () => {
    const seeded = await server.seedUser({ fullName: "Sam Sso" });
    const plain = await server.graphql(DeleteMyAccountDocument, {}, { token: seeded.accessToken });
    expect(plain.data?.deleteMyAccount.userErrors[0]?.code).toBe("STEP_UP_REQUIRED");

    const { token } = await server.deps.tokens.issueAccessToken({
      userId: seeded.userId,
      companyId: seeded.companyId,
      sessionId: seeded.sessionId,
      role: "OWNER",
      permissions: permissionsOf("OWNER"),
      tier: "FREE",
      authTime: Math.floor(Date.now() / 1000),
      amr: ["sso"],
    });
    const deleted = await server.graphql(DeleteMyAccountDocument, {}, { token });
    expect(deleted.data?.deleteMyAccount).toEqual({ ok: true, userErrors: [] });
  });
});

describe("after deleteMyAccount", () => {
  it("refuses the old tokens and email, frees the email, keeps the audit trail pointing at an anonymous user", async () => {
    const fullName = "Dora Deletable";
    const account = await accountWithEverything(fullName);
    const userId = account.user.id;
    const { login } = account;
    const individualCompanyId = (await prisma().membership.findFirstOrThrow({ where: { userId, company: { type: "INDIVIDUAL" } } })).companyId;
    const auditIdsBefore = (await prisma().auditEvent.findMany({ where: { actorId: userId }, select: { id: true } })).map((row) => row.id);
    expect((await server.graphql(MeDocument, {}, { token: login.accessToken })).data?.me?.id).toBe(userId);

    const deleted = await server.graphql(DeleteMyAccountDocument, { password: strongPassword }, { token: login.accessToken });
    expect(deleted.data?.deleteMyAccount).toEqual({ ok: true, userErrors: [] });

    const nextRequest = await server.graphql(MeDocument, {}, { token: login.accessToken });
    expect(nextRequest.status).toBe(401);
    expect((await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).status).toBe(401);
    const refreshed = await server.graphql(RefreshTokenDocument, { refreshToken: login.refreshToken });
    expect(refreshed.data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");

    const user = await prisma().user.findUniqueOrThrow({ where: { id: userId } });
    expect(user).toMatchObject({ fullName: "Deleted user", passwordHash: null, investmentProfile: null, riskTolerance: null, status: "DELETED" });
    expect(user.email).toMatch(/^deleted-[0-9a-f-]{36}@deleted\.invalid$/);
    expect(user.deletedAt).toBeInstanceOf(Date);
    const rows = await personalRows(userId, account.email);
    expect(rows).toEqual(Object.fromEntries(Object.keys(rows).map((table) => [table, 0])));
    expect(await prisma().invitation.count({ where: { invitedById: userId, status: "PENDING" } })).toBe(0);
    const closed = await prisma().company.findMany({ where: { id: { in: [individualCompanyId, account.companyId] } } });
    expect(closed.map((company) => company.status)).toEqual(["DELETED", "DELETED"]);
    expect(closed.find((company) => company.id === individualCompanyId)?.name).toBe("Deleted user");

    const audit = await prisma().auditEvent.findMany({ where: { actorId: userId } });
    expect(audit.map((row) => row.id)).toEqual(expect.arrayContaining(auditIdsBefore));
    expect(audit.map((row) => row.action)).toContain("user.deleted");
    const auditText = JSON.stringify(audit.map((row) => ({ metadata: row.metadata, targetId: row.targetId })));
    expect(auditText).not.toContain(account.email);
    expect(auditText).not.toContain(fullName);

    const signInAgain = await server.graphql(LoginDocument, { input: { email: account.email, password: strongPassword } });
    expect(signInAgain.data?.login.userErrors[0]?.code).toBe("INVALID_CREDENTIALS");
    const again = await server.graphql(RegisterDocument, { input: { email: account.email, password: strongPassword, fullName: "A New Person" } });
    expect(again.data?.register.userErrors).toEqual([]);
    expect(again.data?.register.user?.id).not.toBe(userId);
  });
});
