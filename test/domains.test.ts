import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCompanyDomainDocument,
  ApproveMemberDocument,
  CompanyDocument,
  CompanyDomainsDocument,
  CompanyMembersDocument,
  MeDocument,
  MyCompaniesDocument,
  PendingMembersDocument,
  RegisterDocument,
  RejectMemberDocument,
  SwitchCompanyDocument,
  VerifyCompanyDomainDocument,
} from "./generated/graphql.js";
import { registerAccount, strongPassword } from "./support/accounts.js";
import { startDnsServer, type TestDnsServer } from "./support/dns-server.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { createOrganization, organizationWithRoles, tokensIn } from "./support/tenancy.js";

let dns: TestDnsServer;
let server: TestServer;

beforeAll(async () => {
  dns = await startDnsServer();
  server = await startTestServer({ DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: "1000" });
});

afterAll(async () => {
  await server?.close();
  await dns?.close();
});

/** A domain no other test uses, e.g. "acme-1a2b3c4d.example". */
function uniqueDomain(label = "acme"): string {
  return `${label}-${randomUUID().slice(0, 8)}.example`;
}

function addDomain(target: TestServer, companyId: string, domain: string, token: string) {
  return target.graphql(AddCompanyDomainDocument, { companyId, domain }, { token });
}

function verifyDomain(target: TestServer, companyId: string, domain: string, token: string) {
  return target.graphql(VerifyCompanyDomainDocument, { companyId, domain }, { token });
}

async function domainsOf(target: TestServer, companyId: string, token: string) {
  const result = await target.graphql(CompanyDomainsDocument, { id: companyId }, { token });
  expect(result.errors).toBeUndefined();
  return result.data!.company!.domains!;
}

/** Claims `domain` for the company, publishes its TXT record and verifies it, asserting each step. */
async function claimAndVerify(companyId: string, domain: string, token: string) {
  const added = await addDomain(server, companyId, domain, token);
  expect(added.data!.addCompanyDomain).toEqual({ ok: true, userErrors: [] });
  const claim = (await domainsOf(server, companyId, token)).find((entry) => entry.domain === domain)!;
  dns.setTxt(claim.txtRecordName, [claim.txtRecordValue]);
  const verified = await verifyDomain(server, companyId, domain, token);
  expect(verified.data!.verifyCompanyDomain).toEqual({ ok: true, userErrors: [] });
  return claim;
}

/** Registers through the real mutation and returns the whole payload. */
async function register(email: string, fullName = "Domain Person") {
  const result = await server.graphql(RegisterDocument, { input: { email, password: strongPassword, fullName } });
  expect(result.errors).toBeUndefined();
  const payload = result.data!.register;
  expect(payload.userErrors).toEqual([]);
  return { ...payload, user: payload.user!, tokens: payload.tokens! };
}

async function individualCompanyOf(token: string): Promise<string> {
  const mine = await server.graphql(MyCompaniesDocument, {}, { token });
  return mine.data!.myCompanies.find((company) => company.type === "INDIVIDUAL")!.id;
}

describe("addCompanyDomain and verifyCompanyDomain", () => {
  it("lets the OWNER claim a domain, shows its TXT record, and verifies it only once the record is published", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const token = members.OWNER.tokens.accessToken;
    const domain = uniqueDomain();

    const added = await addDomain(server, companyId, domain, token);
    expect(added.errors).toBeUndefined();
    expect(added.data!.addCompanyDomain).toEqual({ ok: true, userErrors: [] });

    const [claim, ...others] = await domainsOf(server, companyId, token);
    expect(others).toEqual([]);
    expect(claim).toMatchObject({ domain, verified: false, verifiedAt: null, txtRecordName: `_trading-platform-verification.${domain}` });
    expect(claim!.txtRecordValue).toMatch(/^trading-platform-verification=\S{16,}$/);

    // Nothing published yet: the name does not exist (NXDOMAIN), then exists with only someone else's value.
    const early = await verifyDomain(server, companyId, domain, token);
    expect(early.data!.verifyCompanyDomain.ok).toBe(false);
    expect(early.data!.verifyCompanyDomain.userErrors.map((error) => error.code)).toEqual(["DOMAIN_VERIFICATION_FAILED"]);
    dns.setTxt(claim!.txtRecordName, ["trading-platform-verification=somebody-else", "v=spf1 -all"]);
    const wrongValue = await verifyDomain(server, companyId, domain, token);
    expect(wrongValue.data!.verifyCompanyDomain.userErrors.map((error) => error.code)).toEqual(["DOMAIN_VERIFICATION_FAILED"]);
    expect((await domainsOf(server, companyId, token))[0]).toMatchObject({ verified: false, verifiedAt: null });

    dns.setTxt(claim!.txtRecordName, ["v=spf1 -all", claim!.txtRecordValue]);
    const before = Date.now();
    const verified = await verifyDomain(server, companyId, domain, token);
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyCompanyDomain).toEqual({ ok: true, userErrors: [] });

    const [after] = await domainsOf(server, companyId, token);
    expect(after).toMatchObject({ domain, verified: true, txtRecordName: claim!.txtRecordName, txtRecordValue: claim!.txtRecordValue });
    const verifiedAt = new Date(after!.verifiedAt as string).getTime();
    expect(verifiedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(verifiedAt).toBeLessThanOrEqual(Date.now() + 1000);

    // Once verified it stays verified, even if the record is taken down again.
    dns.clear(claim!.txtRecordName);
    expect((await verifyDomain(server, companyId, domain, token)).data!.verifyCompanyDomain.ok).toBe(true);
    expect((await domainsOf(server, companyId, token))[0]).toMatchObject({ verified: true, verifiedAt: after!.verifiedAt });
  });

  it("is idempotent and normalises the domain it is given", async () => {
    const owner = await registerAccount(server);
    const companyId = await createOrganization(server, owner);
    const token = owner.tokens.accessToken;
    const label = randomUUID().slice(0, 8);
    const domain = `acme-${label}.example`;

    expect((await addDomain(server, companyId, domain, token)).data!.addCompanyDomain.ok).toBe(true);
    const [first] = await domainsOf(server, companyId, token);

    for (const variant of [domain, `  ACME-${label.toUpperCase()}.Example. `, `Acme-${label}.EXAMPLE`]) {
      const again = await addDomain(server, companyId, variant, token);
      expect(again.data!.addCompanyDomain).toEqual({ ok: true, userErrors: [] });
    }
    const listed = await domainsOf(server, companyId, token);
    expect(listed).toEqual([first]);
    expect(await server.deps.database.prisma.companyDomain.count({ where: { companyId } })).toBe(1);

    // Verifying through a messy spelling finds the same claim.
    dns.setTxt(first!.txtRecordName.toUpperCase(), [first!.txtRecordValue]);
    const verified = await verifyDomain(server, companyId, `  ACME-${label.toUpperCase()}.Example. `, token);
    expect(verified.data!.verifyCompanyDomain).toEqual({ ok: true, userErrors: [] });
    expect(await domainsOf(server, companyId, token)).toEqual([{ ...first, verified: true, verifiedAt: expect.any(String) }]);

    // An internationalised name is kept in its ASCII (punycode) form, which is where its TXT record lives.
    const unicode = `bücher-${label}.example`;
    expect((await addDomain(server, companyId, ` BÜCHER-${label}.Example `, token)).data!.addCompanyDomain.ok).toBe(true);
    const idn = (await domainsOf(server, companyId, token)).find((entry) => entry.domain !== domain)!;
    expect(idn.domain).toMatch(new RegExp(`^xn--bcher-${label}-[a-z0-9]+\\.example$`));
    expect(idn.txtRecordName).toBe(`_trading-platform-verification.${idn.domain}`);
    expect((await addDomain(server, companyId, idn.domain, token)).data!.addCompanyDomain.ok).toBe(true);
    expect(await server.deps.database.prisma.companyDomain.count({ where: { companyId } })).toBe(2);
    dns.setTxt(idn.txtRecordName, [idn.txtRecordValue]);
    expect((await verifyDomain(server, companyId, unicode, token)).data!.verifyCompanyDomain).toEqual({ ok: true, userErrors: [] });

    // A domain never added cannot be verified.
    const unknown = await verifyDomain(server, companyId, uniqueDomain(), token);
    expect(unknown.data!.verifyCompanyDomain.userErrors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
  });

  it("refuses public mail providers and anything that is not a domain name, storing nothing", async () => {
    const owner = await registerAccount(server);
    const companyId = await createOrganization(server, owner);
    const token = owner.tokens.accessToken;
    const prisma = server.deps.database.prisma;
    const rowsBefore = await prisma.companyDomain.count();

    for (const domain of ["gmail.com", "outlook.com", "mail.yahoo.com", "GMail.com.", " hotmail.co.uk "]) {
      const result = await addDomain(server, companyId, domain, token);
      expect(result.errors).toBeUndefined();
      expect(result.data!.addCompanyDomain.ok).toBe(false);
      expect(result.data!.addCompanyDomain.userErrors.map((error) => [error.code, error.field])).toEqual([["PUBLIC_MAIL_DOMAIN", ["domain"]]]);
    }
    for (const domain of ["not a domain", "localhost", "app.localhost", "1.2.3.4", "a@b.com", "", "   ", "example", "https://acme.example/", "-acme.example"]) {
      const result = await addDomain(server, companyId, domain, token);
      expect(result.data!.addCompanyDomain.ok, domain).toBe(false);
      expect(result.data!.addCompanyDomain.userErrors.map((error) => [error.code, error.field]), domain).toEqual([["INVALID_DOMAIN", ["domain"]]]);
    }
    for (const domain of ["gmail.com", "not a domain"]) {
      const result = await verifyDomain(server, companyId, domain, token);
      expect(result.data!.verifyCompanyDomain.userErrors[0]!.code).toMatch(/^(PUBLIC_MAIL_DOMAIN|INVALID_DOMAIN)$/);
    }

    expect(await prisma.companyDomain.count()).toBe(rowsBefore);
    expect(await domainsOf(server, companyId, token)).toEqual([]);
  });

  it("lets only one company hold a verified domain, even when another claimed it first", async () => {
    const ann = await registerAccount(server, { fullName: "Ann of A" });
    const bob = await registerAccount(server, { fullName: "Bob of B" });
    const companyA = await createOrganization(server, ann, "Company A");
    const companyB = await createOrganization(server, bob, "Company B");
    const annToken = (await tokensIn(server, ann, companyA)).accessToken;
    const bobToken = (await tokensIn(server, bob, companyB)).accessToken;

    // B claims a domain A verified: refused outright.
    const taken = uniqueDomain();
    await claimAndVerify(companyA, taken, annToken);
    const claimTaken = await addDomain(server, companyB, taken, bobToken);
    expect(claimTaken.data!.addCompanyDomain.ok).toBe(false);
    expect(claimTaken.data!.addCompanyDomain.userErrors.map((error) => error.code)).toEqual(["DOMAIN_ALREADY_CLAIMED"]);
    expect(await domainsOf(server, companyB, bobToken)).toEqual([]);

    // B squats a domain before A verifies it: once A has, B's own published record does not help.
    const squatted = uniqueDomain();
    expect((await addDomain(server, companyB, squatted, bobToken)).data!.addCompanyDomain.ok).toBe(true);
    expect((await addDomain(server, companyA, squatted, annToken)).data!.addCompanyDomain.ok).toBe(true);
    const [claimOfB] = await domainsOf(server, companyB, bobToken);
    const claimOfA = (await domainsOf(server, companyA, annToken)).find((entry) => entry.domain === squatted)!;
    expect(claimOfB!.txtRecordName).toBe(claimOfA.txtRecordName);
    expect(claimOfB!.txtRecordValue).not.toBe(claimOfA.txtRecordValue);

    dns.setTxt(claimOfA.txtRecordName, [claimOfA.txtRecordValue]);
    expect((await verifyDomain(server, companyA, squatted, annToken)).data!.verifyCompanyDomain).toEqual({ ok: true, userErrors: [] });

    dns.setTxt(claimOfA.txtRecordName, [claimOfA.txtRecordValue, claimOfB!.txtRecordValue]);
    const squatterVerifies = await verifyDomain(server, companyB, squatted, bobToken);
    expect(squatterVerifies.errors).toBeUndefined();
    expect(squatterVerifies.data!.verifyCompanyDomain.ok).toBe(false);
    expect(squatterVerifies.data!.verifyCompanyDomain.userErrors.map((error) => error.code)).toEqual(["DOMAIN_ALREADY_CLAIMED"]);
    expect(await domainsOf(server, companyB, bobToken)).toEqual([expect.objectContaining({ domain: squatted, verified: false, verifiedAt: null })]);
    expect((await domainsOf(server, companyA, annToken)).find((entry) => entry.domain === squatted)).toMatchObject({ verified: true });
    expect((await addDomain(server, companyB, squatted, bobToken)).data!.addCompanyDomain.userErrors.map((error) => error.code)).toEqual(["DOMAIN_ALREADY_CLAIMED"]);

    // Registration follows the company that verified it.
    const joiner = await register(`someone@${squatted}`);
    expect(joiner.pendingCompanyId).toBe(companyA);
  });

  it("is for the OWNER of an organization only", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const domain = uniqueDomain();
    for (const role of ["ADMIN", "MANAGER", "MEMBER", "VIEWER"] as const) {
      const token = members[role].tokens.accessToken;
      const added = await addDomain(server, companyId, domain, token);
      expect(added.data?.addCompanyDomain ?? null, role).toBeNull();
      expect(added.errors?.[0]?.extensions?.code, role).toBe("FORBIDDEN");
      const verified = await verifyDomain(server, companyId, domain, token);
      expect(verified.data?.verifyCompanyDomain ?? null, role).toBeNull();
      expect(verified.errors?.[0]?.extensions?.code, role).toBe("FORBIDDEN");
    }
    expect(await server.deps.database.prisma.companyDomain.count({ where: { companyId } })).toBe(0);

    // Someone outside the company fares no better, whatever token they hold.
    const stranger = await registerAccount(server);
    expect((await addDomain(server, companyId, domain, stranger.tokens.accessToken)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await addDomain(server, companyId, domain, "")).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    // ADMINs may see the domains (users.manage); MEMBERs may not.
    expect((await addDomain(server, companyId, domain, members.OWNER.tokens.accessToken)).data!.addCompanyDomain.ok).toBe(true);
    expect((await domainsOf(server, companyId, members.ADMIN.tokens.accessToken)).map((entry) => entry.domain)).toEqual([domain]);
    const asMember = await server.graphql(CompanyDomainsDocument, { id: companyId }, { token: members.MEMBER.tokens.accessToken });
    expect(asMember.data!.company!.id).toBe(companyId);
    expect(asMember.data!.company!.domains).toBeNull();
    expect(asMember.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);

    // An individual company cannot claim a domain, even by its OWNER.
    const solo = await registerAccount(server);
    const individualId = await individualCompanyOf(solo.tokens.accessToken);
    const individual = await addDomain(server, individualId, uniqueDomain(), solo.tokens.accessToken);
    expect(individual.errors).toBeUndefined();
    expect(individual.data!.addCompanyDomain.ok).toBe(false);
    expect(individual.data!.addCompanyDomain.userErrors.map((error) => error.code)).toEqual(["INDIVIDUAL_COMPANY"]);
    expect(await server.deps.database.prisma.companyDomain.count({ where: { companyId: individualId } })).toBe(0);
  });

  it("answers DNS_UNAVAILABLE when the DNS server does not answer, and leaves the domain unverified", async () => {
    const gone = await startDnsServer();
    const silentAddress = gone.address;
    await gone.close();
    const offline = await startTestServer({ DNS_SERVERS: silentAddress, DNS_TIMEOUT_MS: "300" });
    try {
      const owner = await registerAccount(offline);
      const companyId = await createOrganization(offline, owner);
      const token = owner.tokens.accessToken;
      const domain = uniqueDomain();
      expect((await addDomain(offline, companyId, domain, token)).data!.addCompanyDomain.ok).toBe(true);

      const started = Date.now();
      const result = await verifyDomain(offline, companyId, domain, token);
      expect(result.errors).toBeUndefined();
      expect(result.data!.verifyCompanyDomain.ok).toBe(false);
      expect(result.data!.verifyCompanyDomain.userErrors.map((error) => error.code)).toEqual(["DNS_UNAVAILABLE"]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await domainsOf(offline, companyId, token)).toEqual([expect.objectContaining({ domain, verified: false, verifiedAt: null })]);
    } finally {
      await offline.close();
    }
  });
});

describe("company assignment at registration", () => {
  it("asks someone with a verified domain's email to join, pending an ADMIN's approval", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const domain = uniqueDomain();
    await claimAndVerify(companyId, domain, members.OWNER.tokens.accessToken);

    const dana = await register(`dana@${domain}`, "Dana Domain");
    expect(dana).toMatchObject({ status: "REQUIRES_ADDITIONAL_VERIFICATION", assignment: "DOMAIN_MATCH", pendingCompanyId: companyId });
    expect(dana.company).toMatchObject({ type: "INDIVIDUAL" });
    expect(dana.company!.id).not.toBe(companyId);
    const me = await server.graphql(MeDocument, {}, { token: dana.tokens.accessToken });
    expect(me.data!.me!.activeCompany).toMatchObject({ id: dana.company!.id, type: "INDIVIDUAL" });
    // The email's case does not matter.
    const eli = await register(`Eli@${domain.toUpperCase()}`, "Eli Domain");
    expect(eli).toMatchObject({ assignment: "DOMAIN_MATCH", pendingCompanyId: companyId });

    for (const role of ["OWNER", "ADMIN"] as const) {
      const pending = await server.graphql(PendingMembersDocument, { id: companyId }, { token: members[role].tokens.accessToken });
      expect(pending.errors, role).toBeUndefined();
      expect(pending.data!.company!.pendingMembers, role).toEqual([
        { role: "MEMBER", user: { id: dana.user.id, email: `dana@${domain}` } },
        { role: "MEMBER", user: { id: eli.user.id, email: `eli@${domain}` } },
      ]);
    }
    const asMember = await server.graphql(PendingMembersDocument, { id: companyId }, { token: members.MEMBER.tokens.accessToken });
    expect(asMember.data!.company!.pendingMembers).toBeNull();
    expect(asMember.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // Pending is not a member: not listed, cannot read or switch to the company.
    const memberIds = async () =>
      (await server.graphql(CompanyMembersDocument, { id: companyId }, { token: members.OWNER.tokens.accessToken })).data!.company!.members!.edges.map((edge) => edge.node.user.id);
    expect(await memberIds()).not.toContain(dana.user.id);
    expect((await server.graphql(CompanyDocument, { id: companyId }, { token: dana.tokens.accessToken })).data!.company).toBeNull();
    expect((await server.graphql(MyCompaniesDocument, {}, { token: dana.tokens.accessToken })).data!.myCompanies.map((c) => c.id)).toEqual([dana.company!.id]);
    const earlySwitch = await server.graphql(SwitchCompanyDocument, { companyId }, { token: dana.tokens.accessToken });
    expect(earlySwitch.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // A MANAGER may not decide; nor may anyone about a user who is not waiting.
    const byManager = await server.graphql(ApproveMemberDocument, { companyId, userId: dana.user.id }, { token: members.MANAGER.tokens.accessToken });
    expect(byManager.data?.approveMember ?? null).toBeNull();
    expect(byManager.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const stranger = await registerAccount(server);
    for (const userId of [stranger.user.id, members.MEMBER.user.id]) {
      const notWaiting = await server.graphql(ApproveMemberDocument, { companyId, userId }, { token: members.ADMIN.tokens.accessToken });
      expect(notWaiting.data!.approveMember.ok).toBe(false);
      expect(notWaiting.data!.approveMember.userErrors.map((error) => error.code)).toEqual(["NOT_A_MEMBER"]);
    }
    expect(await memberIds()).not.toContain(stranger.user.id);

    // The ADMIN approves Dana: she is an active MEMBER and can work in the company.
    const approved = await server.graphql(ApproveMemberDocument, { companyId, userId: dana.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(approved.data!.approveMember).toEqual({ ok: true, userErrors: [] });
    const membersNow = await server.graphql(CompanyMembersDocument, { id: companyId }, { token: members.OWNER.tokens.accessToken });
    expect(membersNow.data!.company!.members!.edges.find((edge) => edge.node.user.id === dana.user.id)?.node.role).toBe("MEMBER");
    const danaInCompany = await tokensIn(server, dana, companyId);
    const danaMe = await server.graphql(MeDocument, {}, { token: danaInCompany.accessToken });
    expect(danaMe.data!.me!.activeCompany).toMatchObject({ id: companyId, type: "ORGANIZATION" });
    expect((await server.graphql(CompanyDocument, { id: companyId }, { token: danaInCompany.accessToken })).data!.company!.id).toBe(companyId);
    const again = await server.graphql(ApproveMemberDocument, { companyId, userId: dana.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(again.data!.approveMember.userErrors.map((error) => error.code)).toEqual(["NOT_A_MEMBER"]);

    // The ADMIN turns Eli down: nothing pending is left and he never became a member.
    const rejected = await server.graphql(RejectMemberDocument, { companyId, userId: eli.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(rejected.data!.rejectMember).toEqual({ ok: true, userErrors: [] });
    const pendingAfter = await server.graphql(PendingMembersDocument, { id: companyId }, { token: members.ADMIN.tokens.accessToken });
    expect(pendingAfter.data!.company!.pendingMembers).toEqual([]);
    expect(await memberIds()).not.toContain(eli.user.id);
    expect(await server.deps.database.prisma.membership.count({ where: { companyId, userId: eli.user.id } })).toBe(0);
    const eliSwitch = await server.graphql(SwitchCompanyDocument, { companyId }, { token: eli.tokens.accessToken });
    expect(eliSwitch.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const rejectAgain = await server.graphql(RejectMemberDocument, { companyId, userId: eli.user.id }, { token: members.ADMIN.tokens.accessToken });
    expect(rejectAgain.data!.rejectMember.userErrors.map((error) => error.code)).toEqual(["NOT_A_MEMBER"]);
  });

  it("places someone in their individual company only when the domain is unverified or another one", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const token = members.OWNER.tokens.accessToken;
    const unverified = uniqueDomain();
    expect((await addDomain(server, companyId, unverified, token)).data!.addCompanyDomain.ok).toBe(true);
    const verified = uniqueDomain();
    await claimAndVerify(companyId, verified, token);

    for (const email of [`fay@${unverified}`, `gus@${uniqueDomain("elsewhere")}`]) {
      const payload = await register(email);
      expect(payload, email).toMatchObject({ status: "PENDING", assignment: "INDIVIDUAL", pendingCompanyId: null, company: { type: "INDIVIDUAL" } });
      expect(payload.user.verificationStatus).toBe("PENDING");
    }
    const pending = await server.graphql(PendingMembersDocument, { id: companyId }, { token });
    expect(pending.data!.company!.pendingMembers).toEqual([]);
  });
});
