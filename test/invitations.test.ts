import { createHash } from "node:crypto";
import type { AddressObject, ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../src/permissions/roles.js";
import {
  AcceptInvitationDocument,
  CompanyInvitationsDocument,
  CompanyMembersDocument,
  InviteUserDocument,
  MeDocument,
  MyCompaniesDocument,
  MyMembershipsDocument,
  RegisterDocument,
  RevokeInvitationDocument,
} from "./generated/graphql.js";
import { registerAccount, signIn, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startSmtpSink, type SmtpSink } from "./support/smtp-sink.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { addMember, createOrganization, organizationWithRoles, tokensIn } from "./support/tenancy.js";

const publicAppUrl = "https://app.trading.example";
const sevenDaysMs = 7 * 24 * 3600 * 1000;

let sink: SmtpSink;
let server: TestServer;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: sink.url, MAIL_FROM: "Trading Platform <invitations@trading.example>", PUBLIC_APP_URL: publicAppUrl });
});

afterAll(async () => {
  await server?.close();
  await sink?.close();
});

const prisma = () => server.deps.database.prisma;
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

function recipientsOf(mail: ParsedMail): string[] {
  const to = mail.to as AddressObject | AddressObject[] | undefined;
  return (Array.isArray(to) ? to : to ? [to] : []).flatMap((group) => group.value.map((address) => address.address ?? ""));
}

/** The invitation mail sent to `email`, the `skip`-th one if there were several. */
async function mailTo(email: string, skip = 0): Promise<ParsedMail> {
  const addressedTo = (m: ParsedMail) => recipientsOf(m).includes(email.toLowerCase());
  await sink.waitForMessage(() => sink.messages.filter(addressedTo).length > skip);
  return sink.messages.filter(addressedTo)[skip]!;
}

/** What the invitee reads in the mail: the code, and the accept link's `code` parameter. */
function readInvitationMail(mail: ParsedMail) {
  const text = mail.text ?? "";
  const code = /enter this code: (\S+)/.exec(text)?.[1];
  const link = /(https?:\/\/\S+)/.exec(text)?.[1];
  if (!code || !link) throw new Error(`not an invitation mail:\n${text}`);
  return { code, link: new URL(link) };
}

async function invite(companyId: string, inviter: { tokens: { accessToken: string } }, email: string, role: Role = "MEMBER") {
  return server.graphql(InviteUserDocument, { companyId, input: { email, role } }, { token: inviter.tokens.accessToken });
}

/** Invites and returns the payload, failing the test on any problem. */
async function invited(companyId: string, inviter: { tokens: { accessToken: string } }, email: string, role: Role = "MEMBER") {
  const result = await invite(companyId, inviter, email, role);
  expect(result.errors).toBeUndefined();
  const payload = result.data!.inviteUser;
  expect(payload.userErrors).toEqual([]);
  return { invitation: payload.invitation!, code: payload.invitationCode!, mailSent: payload.mailSent };
}

async function accept(account: { tokens: { accessToken: string } }, code: string) {
  const result = await server.graphql(AcceptInvitationDocument, { code }, { token: account.tokens.accessToken });
  expect(result.errors).toBeUndefined();
  return result.data!.acceptInvitation;
}

async function invitationsOf(companyId: string, admin: { tokens: { accessToken: string } }, status?: "PENDING" | "ACCEPTED" | "REVOKED" | "EXPIRED") {
  const result = await server.graphql(CompanyInvitationsDocument, { id: companyId, status }, { token: admin.tokens.accessToken });
  expect(result.errors).toBeUndefined();
  return result.data!.company!.invitations!;
}

async function rolesOf(account: { tokens: { accessToken: string } }) {
  const result = await server.graphql(MyMembershipsDocument, {}, { token: account.tokens.accessToken });
  return result.data!.me!.memberships!.map((m) => [m.company.id, m.company.type, m.role]);
}

const membershipsIn = (companyId: string) => prisma().membership.count({ where: { companyId } });
const invitationsIn = (companyId: string) => prisma().invitation.count({ where: { companyId } });

describe("inviteUser", () => {
  it("returns a pending 7-day invitation and its one-time code, mails the code and a link, and stores only its hash", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Mailing Co");
    const email = uniqueEmail("invitee");
    const before = Date.now();
    const { invitation, code, mailSent } = await invited(companyId, members.ADMIN, email, "MEMBER");

    expect(invitation).toMatchObject({ email, role: "MEMBER", status: "PENDING", company: { id: companyId, name: "Mailing Co" }, invitedBy: { id: members.ADMIN.user.id } });
    const expiresAt = new Date(invitation.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + sevenDaysMs - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + sevenDaysMs + 1000);
    expect(code).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(mailSent).toBe(true);

    const mail = await mailTo(email);
    expect(recipientsOf(mail)).toEqual([email]);
    expect(mail.from?.value).toEqual([{ address: "invitations@trading.example", name: "Trading Platform" }]);
    expect(mail.subject).toContain("Mailing Co");
    const read = readInvitationMail(mail);
    expect(read.code).toBe(code);
    expect(`${read.link.origin}${read.link.pathname}`).toBe(`${publicAppUrl}/invitations/accept`);
    expect(read.link.searchParams.get("code")).toBe(code);

    const row = await prisma().invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.codeHash).toBe(sha256(code));
    expect(JSON.stringify(row)).not.toContain(code);
    expect(JSON.stringify(server.logLines)).not.toContain(code);
  });

  it("says mailSent: false when the mail server refuses the invitee, and the code it shows still works", async () => {
    const refusing = await startSmtpSink({
      onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 })),
    });
    const other = await startTestServer({ SMTP_URL: refusing.url });
    try {
      const owner = await registerAccount(other);
      const companyId = await createOrganization(other, owner);
      const ownerTokens = await tokensIn(other, owner, companyId);
      const email = uniqueEmail("bounced");
      const result = await other.graphql(InviteUserDocument, { companyId, input: { email, role: "MEMBER" } }, { token: ownerTokens.accessToken });
      const payload = result.data!.inviteUser;
      expect(payload.userErrors).toEqual([]);
      expect(payload.mailSent).toBe(false);
      expect(payload.invitation!.status).toBe("PENDING");
      expect(refusing.messages).toHaveLength(0);
      const code = payload.invitationCode!;
      const warning = other.logLines.find((line) => line.msg === "invitation mail could not be sent");
      expect(warning).toMatchObject({ invitationId: payload.invitation!.id });
      expect(JSON.stringify(other.logLines)).not.toContain(code);

      const invitee = await registerAccount(other, { email });
      const accepted = await other.graphql(AcceptInvitationDocument, { code }, { token: invitee.tokens.accessToken });
      expect(accepted.data!.acceptInvitation.company?.id).toBe(companyId);
    } finally {
      await other.close();
      await refusing.close();
    }
  });

  it("honours INVITATION_TTL_SECONDS: the code stops working once the invitation expires", async () => {
    const ttlSink = await startSmtpSink();
    const shortLived = await startTestServer({ SMTP_URL: ttlSink.url, INVITATION_TTL_SECONDS: "1" });
    try {
      const owner = await registerAccount(shortLived);
      const companyId = await createOrganization(shortLived, owner);
      const ownerTokens = await tokensIn(shortLived, owner, companyId);
      const email = uniqueEmail("late");
      const before = Date.now();
      const result = await shortLived.graphql(InviteUserDocument, { companyId, input: { email, role: "VIEWER" } }, { token: ownerTokens.accessToken });
      const payload = result.data!.inviteUser;
      expect(new Date(payload.invitation!.expiresAt).getTime() - before).toBeLessThan(2_000);
      const invitee = await registerAccount(shortLived, { email });
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const late = await shortLived.graphql(AcceptInvitationDocument, { code: payload.invitationCode! }, { token: invitee.tokens.accessToken });
      expect(late.data!.acceptInvitation.company).toBeNull();
      expect(late.data!.acceptInvitation.userErrors.map((e) => e.code)).toEqual(["INVITATION_EXPIRED"]);
    } finally {
      await shortLived.close();
      await ttlSink.close();
    }
  });
});

describe("acceptInvitation", () => {
  it("lets the invitee who registered with the invited email join with the invited role, once", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Joining Co");
    const email = uniqueEmail("joiner");
    // Invited with different casing than the invitee later registers with: emails are compared normalized.
    await invited(companyId, members.ADMIN, email.toUpperCase(), "MEMBER");
    const { code } = readInvitationMail(await mailTo(email));

    const invitee = await registerAccount(server, { email });
    const accepted = await accept(invitee, code);
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.company).toEqual({ id: companyId, name: "Joining Co" });

    expect(await rolesOf(invitee)).toEqual([
      [expect.any(String), "INDIVIDUAL", "OWNER"],
      [companyId, "ORGANIZATION", "MEMBER"],
    ]);
    const roster = await server.graphql(CompanyMembersDocument, { id: companyId }, { token: members.OWNER.tokens.accessToken });
    const joined = roster.data!.company!.members!.edges.find((edge) => edge.node.user.id === invitee.user.id);
    expect(joined?.node.role).toBe("MEMBER");
    expect(await invitationsOf(companyId, members.ADMIN, "ACCEPTED")).toEqual([expect.objectContaining({ email, status: "ACCEPTED" })]);

    const again = await accept(invitee, code);
    expect(again.company).toBeNull();
    expect(again.userErrors).toEqual([expect.objectContaining({ code: "INVITATION_USED", field: ["code"] })]);
    expect(await prisma().membership.count({ where: { companyId, userId: invitee.user.id } })).toBe(1);
    expect(JSON.stringify(server.logLines)).not.toContain(code);
  });

  it("joins at registration with invitationCode: the session starts in the inviting company, beside the individual one", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Onboarding Co");
    const email = uniqueEmail("newcomer");
    const { code } = await invited(companyId, members.ADMIN, email, "VIEWER");

    const result = await server.graphql(RegisterDocument, { input: { email, password: strongPassword, fullName: "New Comer", invitationCode: code } });
    const payload = result.data!.register;
    expect(payload.userErrors).toEqual([]);
    expect(payload.assignment).toBe("INVITATION");
    expect(payload.pendingCompanyId).toBeNull();
    expect(payload.company).toEqual({ id: companyId, type: "ORGANIZATION" });

    const token = payload.tokens!.accessToken;
    const me = await server.graphql(MeDocument, {}, { token });
    expect(me.data!.me!.activeCompany).toMatchObject({ id: companyId, name: "Onboarding Co", type: "ORGANIZATION" });
    const mine = await server.graphql(MyCompaniesDocument, {}, { token });
    expect(mine.data!.myCompanies.map((c) => c.type).sort()).toEqual(["INDIVIDUAL", "ORGANIZATION"]);
    expect(mine.data!.myCompanies.map((c) => c.id)).toContain(companyId);
    expect((await rolesOf({ tokens: { accessToken: token } })).find(([id]) => id === companyId)?.[2]).toBe("VIEWER");

    const reused = await accept({ tokens: { accessToken: token } }, code);
    expect(reused.userErrors.map((e) => e.code)).toEqual(["INVITATION_USED"]);
  });

  it("says why a code cannot be used (unknown, revoked, expired, someone else's) and changes nothing", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Picky Co");
    const email = uniqueEmail("picky");
    const invitee = await registerAccount(server, { email });
    const someoneElse = await registerAccount(server);
    const membersBefore = await membershipsIn(companyId);
    const refused = async (account: typeof invitee, code: string, expected: string) => {
      const result = await accept(account, code);
      expect(result.company).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: expected, field: ["code"] })]);
    };

    for (const code of ["no-such-code", "", "x".repeat(500)]) await refused(invitee, code, "INVALID_INVITATION");

    const revoked = await invited(companyId, members.ADMIN, email);
    const revoking = await server.graphql(RevokeInvitationDocument, { id: revoked.invitation.id }, { token: members.ADMIN.tokens.accessToken });
    expect(revoking.data!.revokeInvitation).toEqual({ ok: true, userErrors: [] });
    await refused(invitee, revoked.code, "INVITATION_REVOKED");
    const revokedTwice = await server.graphql(RevokeInvitationDocument, { id: revoked.invitation.id }, { token: members.ADMIN.tokens.accessToken });
    expect(revokedTwice.data!.revokeInvitation.ok).toBe(false);
    expect(revokedTwice.data!.revokeInvitation.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);

    const expired = await invited(companyId, members.ADMIN, email);
    await prisma().invitation.update({ where: { id: expired.invitation.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    await refused(invitee, expired.code, "INVITATION_EXPIRED");
    expect((await invitationsOf(companyId, members.ADMIN, "EXPIRED")).map((i) => [i.id, i.status])).toEqual([[expired.invitation.id, "EXPIRED"]]);
    expect(await invitationsOf(companyId, members.ADMIN, "PENDING")).toEqual([]);

    const theirs = await invited(companyId, members.ADMIN, email);
    await refused(someoneElse, theirs.code, "INVITATION_EMAIL_MISMATCH");
    const strangerEmail = uniqueEmail("stranger");
    const registering = await server.graphql(RegisterDocument, { input: { email: strangerEmail, password: strongPassword, fullName: "Not Invited", invitationCode: theirs.code } });
    expect(registering.data!.register.user).toBeNull();
    expect(registering.data!.register.userErrors).toEqual([expect.objectContaining({ code: "INVITATION_EMAIL_MISMATCH", field: ["input", "invitationCode"] })]);
    expect(await prisma().user.count({ where: { email: strangerEmail } })).toBe(0);

    expect(await membershipsIn(companyId)).toBe(membersBefore);
    expect(await rolesOf(invitee)).toHaveLength(1);
    expect(await rolesOf(someoneElse)).toHaveLength(1);

    // Registering again with the invitee's (taken) email and the code fails as a whole and leaves the code unused.
    const retaken = await server.graphql(RegisterDocument, { input: { email, password: strongPassword, fullName: "Again", invitationCode: theirs.code } });
    expect(retaken.data!.register.userErrors.map((e) => e.code)).toEqual(["EMAIL_TAKEN"]);
    expect((await invitationsOf(companyId, members.ADMIN, "PENDING")).map((i) => i.id)).toEqual([theirs.invitation.id]);

    // Neither attempt used the invitation up: the invitee still can.
    const rightful = await accept(invitee, theirs.code);
    expect(rightful.userErrors).toEqual([]);
    expect(rightful.company!.id).toBe(companyId);
    expect(await membershipsIn(companyId)).toBe(membersBefore + 1);
  });

  it("needs a signed-in caller", async () => {
    const result = await server.graphql(AcceptInvitationDocument, { code: "whatever" });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("re-inviting", () => {
  it("replaces the pending invitation of the same email: the old code is revoked, the new one works", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Second Thoughts Co");
    const email = uniqueEmail("twice");
    const first = await invited(companyId, members.ADMIN, email, "MEMBER");
    const second = await invited(companyId, members.OWNER, email.toUpperCase(), "VIEWER");
    expect(second.code).not.toBe(first.code);
    expect(readInvitationMail(await mailTo(email, 1)).code).toBe(second.code);

    const pending = await invitationsOf(companyId, members.ADMIN, "PENDING");
    expect(pending.map((i) => [i.id, i.email, i.role, i.status])).toEqual([[second.invitation.id, email, "VIEWER", "PENDING"]]);
    expect((await invitationsOf(companyId, members.ADMIN, "REVOKED")).map((i) => i.id)).toEqual([first.invitation.id]);
    expect((await invitationsOf(companyId, members.ADMIN)).map((i) => i.id)).toEqual([second.invitation.id, first.invitation.id]);

    const invitee = await registerAccount(server, { email });
    expect((await accept(invitee, first.code)).userErrors.map((e) => e.code)).toEqual(["INVITATION_REVOKED"]);
    expect((await accept(invitee, second.code)).company?.id).toBe(companyId);
    expect((await rolesOf(invitee)).find(([id]) => id === companyId)?.[2]).toBe("VIEWER");
  });
});

describe("who may invite whom", () => {
  it("refuses existing members, roles not below the inviter's, non-admins and individual workspaces, creating and mailing nothing", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Strict Co");
    const fresh = uniqueEmail("fresh");
    const invitationsBefore = await invitationsIn(companyId);
    const mailsBefore = sink.messages.length;
    const problem = async (inviter: typeof members.ADMIN, email: string, role: Role, expected: string, field: string[]) => {
      const result = await invite(companyId, inviter, email, role);
      expect(result.errors).toBeUndefined();
      const payload = result.data!.inviteUser;
      expect(payload.invitation).toBeNull();
      expect(payload.invitationCode).toBeNull();
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: expected, field })]);
    };

    await problem(members.ADMIN, members.VIEWER.email, "MEMBER", "ALREADY_MEMBER", ["input", "email"]);
    await problem(members.ADMIN, members.MANAGER.email.toUpperCase(), "VIEWER", "ALREADY_MEMBER", ["input", "email"]);
    await problem(members.OWNER, members.ADMIN.email, "MEMBER", "ALREADY_MEMBER", ["input", "email"]);
    await problem(members.ADMIN, fresh, "ADMIN", "ROLE_NOT_BELOW_YOURS", ["input", "role"]);
    await problem(members.ADMIN, fresh, "OWNER", "ROLE_NOT_BELOW_YOURS", ["input", "role"]);
    await problem(members.OWNER, fresh, "OWNER", "ROLE_NOT_BELOW_YOURS", ["input", "role"]);

    for (const role of ["MANAGER", "MEMBER", "VIEWER"] as const) {
      const result = await invite(companyId, members[role], fresh, "VIEWER");
      expect(result.data?.inviteUser ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    const outsider = await registerAccount(server);
    const byOutsider = await invite(companyId, outsider, fresh, "VIEWER");
    expect(byOutsider.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await server.graphql(InviteUserDocument, { companyId, input: { email: fresh, role: "VIEWER" } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await invitationsIn(companyId)).toBe(invitationsBefore);

    const individualId = (await server.graphql(MyCompaniesDocument, {}, { token: outsider.tokens.accessToken })).data!.myCompanies[0]!.id;
    const intoIndividual = await invite(individualId, outsider, fresh, "VIEWER");
    expect(intoIndividual.data!.inviteUser.userErrors.map((e) => e.code)).toEqual(["INDIVIDUAL_COMPANY"]);
    expect(await invitationsIn(individualId)).toBe(0);
    expect(sink.messages.length).toBe(mailsBefore);

    // The same ADMIN may invite below their role.
    expect((await invited(companyId, members.ADMIN, fresh, "MANAGER")).invitation.role).toBe("MANAGER");
    expect(await invitationsIn(companyId)).toBe(invitationsBefore + 1);
  });
});

describe("revokeInvitation and Company.invitations access", () => {
  it("is FORBIDDEN to other companies' admins, non-admins, and for unknown or malformed ids; the invitation stays usable", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Guarded Co");
    const email = uniqueEmail("guarded");
    const { invitation, code } = await invited(companyId, members.ADMIN, email);

    const otherOwner = await registerAccount(server);
    const otherCompany = await createOrganization(server, otherOwner, "Rival Co");
    const otherAdmin = await registerAccount(server);
    await addMember(server, otherCompany, otherAdmin.user.id, "ADMIN");
    const otherAdminTokens = { tokens: await tokensIn(server, otherAdmin, otherCompany) };

    const attempts: [{ tokens: { accessToken: string } }, string][] = [
      [otherAdminTokens, invitation.id],
      [members.MANAGER, invitation.id],
      [members.MEMBER, invitation.id],
      [members.ADMIN, "00000000-0000-4000-8000-000000000000"],
      [members.ADMIN, "not-a-uuid"],
    ];
    for (const [caller, id] of attempts) {
      const result = await server.graphql(RevokeInvitationDocument, { id }, { token: caller.tokens.accessToken });
      expect(result.data?.revokeInvitation ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    expect((await invitationsOf(companyId, members.ADMIN, "PENDING")).map((i) => i.id)).toEqual([invitation.id]);

    for (const role of ["MANAGER", "MEMBER", "VIEWER"] as const) {
      const listed = await server.graphql(CompanyInvitationsDocument, { id: companyId }, { token: members[role].tokens.accessToken });
      expect(listed.data!.company!.id).toBe(companyId);
      expect(listed.data!.company!.invitations).toBeNull();
      expect(listed.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    const asRival = await server.graphql(CompanyInvitationsDocument, { id: companyId }, { token: otherAdminTokens.tokens.accessToken });
    expect(asRival.data!.company).toBeNull();

    const invitee = await registerAccount(server, { email });
    expect((await accept(invitee, code)).company?.id).toBe(companyId);
  });
});

describe("revokeInvitation by role", () => {
  it("lets an ADMIN withdraw invitations for roles below ADMIN only", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Ranked Co");
    const forAdmin = await invited(companyId, members.OWNER, uniqueEmail("future-admin"), "ADMIN");
    const forMember = await invited(companyId, members.OWNER, uniqueEmail("future-member"), "MEMBER");
    const refused = await server.graphql(RevokeInvitationDocument, { id: forAdmin.invitation.id }, { token: members.ADMIN.tokens.accessToken });
    expect(refused.data!.revokeInvitation.userErrors.map((e) => e.code)).toEqual(["ROLE_NOT_BELOW_YOURS"]);
    const allowed = await server.graphql(RevokeInvitationDocument, { id: forMember.invitation.id }, { token: members.ADMIN.tokens.accessToken });
    expect(allowed.data!.revokeInvitation.ok).toBe(true);
    expect((await invitationsOf(companyId, members.OWNER, "PENDING")).map((i) => i.id)).toEqual([forAdmin.invitation.id]);
  });
});

describe.runIf(Boolean(process.env.DATABASE_URL))("concurrency (PostgreSQL)", () => {
  it("of two concurrent accepts of one code by the invitee, exactly one joins", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Race Co");
    const email = uniqueEmail("racer");
    const { code } = await invited(companyId, members.ADMIN, email);
    const invitee = await registerAccount(server, { email });
    const secondSession = { tokens: await signIn(server, email) };

    const results = await Promise.all([accept(invitee, code), accept(secondSession, code)]);
    expect(results.filter((r) => r.company?.id === companyId)).toHaveLength(1);
    expect(results.flatMap((r) => r.userErrors.map((e) => e.code))).toEqual(["INVITATION_USED"]);
    expect(await prisma().membership.count({ where: { companyId, userId: invitee.user.id } })).toBe(1);
    expect((await invitationsOf(companyId, members.ADMIN, "ACCEPTED")).map((i) => i.email)).toEqual([email]);
  });

  it("of five concurrent invitations of one email, exactly one stays pending", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Rush Co");
    const email = uniqueEmail("rushed");
    const spellings = [email, email.toUpperCase(), email, email, email.replace(/^./, (c) => c.toUpperCase())];
    const results = await Promise.all(spellings.map((spelling, index) => invite(companyId, index % 2 ? members.OWNER : members.ADMIN, spelling, "MEMBER")));
    for (const result of results) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.inviteUser.userErrors).toEqual([]);
    }
    const pending = await invitationsOf(companyId, members.ADMIN, "PENDING");
    expect(pending).toHaveLength(1);
    expect(await prisma().invitation.count({ where: { companyId, email, status: "PENDING" } })).toBe(1);
    expect(await prisma().invitation.count({ where: { companyId, email } })).toBe(5);

    // Only the code of the surviving invitation works.
    const survivor = results.find((r) => r.data!.inviteUser.invitation!.id === pending[0]!.id)!.data!.inviteUser.invitationCode!;
    const invitee = await registerAccount(server, { email });
    for (const result of results) {
      const code = result.data!.inviteUser.invitationCode!;
      if (code !== survivor) expect((await accept(invitee, code)).userErrors.map((e) => e.code)).toEqual(["INVITATION_REVOKED"]);
    }
    expect((await accept(invitee, survivor)).company?.id).toBe(companyId);
  });
});
