import { randomUUID } from "node:crypto";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCompanyDomainDocument,
  CompanyDomainsDocument,
  CompanySsoProviderDocument,
  ConfirmTotpDocument,
  EnrollTotpDocument,
  MeDocument,
  RegisterWithIdTokenDocument,
  RemoveCompanySsoProviderDocument,
  SetCompanySsoProviderDocument,
  VerifyCompanyDomainDocument,
  VerifyMfaDocument,
  type RegisterInput,
} from "./generated/graphql.js";
import { registerAccount, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startDnsServer, type TestDnsServer } from "./support/dns-server.js";
import { startOidcIssuer, type TestOidcIssuer } from "./support/oidc-issuer.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { createOrganization, organizationWithRoles, tokensIn } from "./support/tenancy.js";

const googleClientId = "google-web-client";
const appleClientId = "com.example.trading";

let google: TestOidcIssuer;
let apple: TestOidcIssuer;
let enterpriseA: TestOidcIssuer;
let enterpriseB: TestOidcIssuer;
let dns: TestDnsServer;
let server: TestServer;

beforeAll(async () => {
  [google, apple, enterpriseA, enterpriseB, dns] = await Promise.all([startOidcIssuer(), startOidcIssuer(), startOidcIssuer(), startOidcIssuer(), startDnsServer()]);
  server = await startTestServer({
    GOOGLE_CLIENT_ID: googleClientId,
    GOOGLE_ISSUER: google.issuer,
    GOOGLE_JWKS_URL: google.jwksUrl,
    APPLE_CLIENT_ID: appleClientId,
    APPLE_ISSUER: apple.issuer,
    APPLE_JWKS_URL: apple.jwksUrl,
    DNS_SERVERS: dns.address,
    DNS_TIMEOUT_MS: "1000",
  });
});

afterAll(async () => {
  await server?.close();
  await Promise.all([google?.close(), apple?.close(), enterpriseA?.close(), enterpriseB?.close(), dns?.close()]);
});

const prisma = () => server.deps.database.prisma;

async function ssoRegister(input: Partial<RegisterInput> & Pick<RegisterInput, "email" | "registrationType" | "idToken">) {
  const result = await server.graphql(RegisterWithIdTokenDocument, { input: { fullName: "Sso Person", ...input } });
  expect(result.errors).toBeUndefined();
  return result.data!.register;
}

/** Rows an SSO registration writes; a refused one leaves all of them as they were. */
async function writtenRows() {
  const [users, identities, companies, memberships, sessions] = await Promise.all([
    prisma().user.count(),
    prisma().externalIdentity.count(),
    prisma().company.count(),
    prisma().membership.count(),
    prisma().session.count(),
  ]);
  return { users, identities, companies, memberships, sessions };
}

function googleToken(email: string, claims: Record<string, unknown> = {}, options: { foreignKey?: boolean } = {}) {
  return google.mintIdToken({ aud: googleClientId, email, ...claims }, options);
}

/** The code an authenticator shows `steps` periods from now. */
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

describe("GOOGLE and APPLE sign-up and sign-in", () => {
  it("registers a new user from a Google ID token: verified email, no password, the identity linked, audited", async () => {
    const email = uniqueEmail("gina");
    const sub = `google-${randomUUID()}`;
    const idToken = await googleToken(email, { sub });
    const payload = await ssoRegister({ email, registrationType: "GOOGLE", idToken, fullName: "Gina Google" });
    expect(payload.userErrors).toEqual([]);
    expect(payload).toMatchObject({
      user: { email, fullName: "Gina Google", registrationType: "GOOGLE", verificationStatus: "VERIFIED" },
      status: "VERIFIED",
      assignment: "INDIVIDUAL",
      company: { type: "INDIVIDUAL" },
      mfaRequired: false,
      tokens: { tokenType: "Bearer" },
    });
    const stored = await prisma().user.findUniqueOrThrow({ where: { id: payload.user!.id }, include: { externalIdentities: true } });
    expect(stored.passwordHash).toBeNull();
    expect(stored.emailVerifiedAt).toBeInstanceOf(Date);
    expect(stored.externalIdentities).toEqual([expect.objectContaining({ provider: "GOOGLE", issuer: google.issuer, subject: sub, email })]);
    const audit = await prisma().auditEvent.findMany({ where: { actorId: stored.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(["user.registered", "identity.linked"]));
    expect(audit.find((event) => event.action === "user.registered")!.metadata).toMatchObject({ via: "GOOGLE", assignment: "INDIVIDUAL" });
    const me = await server.graphql(MeDocument, {}, { token: payload.tokens!.accessToken });
    expect(me.data?.me).toMatchObject({ id: stored.id, registrationType: "GOOGLE" });
    expect(JSON.stringify(server.logLines)).not.toContain(idToken);
  });

  it("signs the same user in on a later call with a new token for the same subject, creating nothing", async () => {
    const email = uniqueEmail("repeat");
    const sub = `google-${randomUUID()}`;
    const first = await ssoRegister({ email, registrationType: "GOOGLE", idToken: await googleToken(email, { sub }) });
    expect(first.userErrors).toEqual([]);
    const before = await writtenRows();
    const again = await ssoRegister({ email, registrationType: "GOOGLE", idToken: await googleToken(email, { sub }), fullName: "Ignored Name" });
    expect(again.userErrors).toEqual([]);
    expect(again).toMatchObject({ user: { id: first.user!.id, fullName: "Sso Person" }, assignment: null, mfaRequired: false });
    expect(again.tokens!.refreshToken).not.toBe(first.tokens!.refreshToken);
    expect(await writtenRows()).toEqual({ ...before, sessions: before.sessions + 1 });
    const login = await prisma().auditEvent.findFirstOrThrow({ where: { actorId: first.user!.id, action: "auth.login" } });
    expect(login.metadata).toEqual({ via: "GOOGLE" });
  });

  it("accepts Apple's email_verified as the string \"true\"", async () => {
    const email = uniqueEmail("apple");
    const idToken = await apple.mintIdToken({ aud: appleClientId, email, email_verified: "true" });
    const payload = await ssoRegister({ email, registrationType: "APPLE", idToken });
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toMatchObject({ email, registrationType: "APPLE", verificationStatus: "VERIFIED" });
  });

  it.each([
    ["false", false],
    ["the string \"false\"", "false"],
    ["missing", undefined],
  ])("refuses a token whose email_verified is %s, writing nothing", async (_case, emailVerified) => {
    const email = uniqueEmail("unverified");
    const before = await writtenRows();
    const idToken = await apple.mintIdToken({ aud: appleClientId, email, email_verified: emailVerified });
    const payload = await ssoRegister({ email, registrationType: "APPLE", idToken });
    expect(payload.userErrors).toEqual([{ field: ["input", "idToken"], code: "EMAIL_NOT_VERIFIED", message: expect.any(String) }]);
    expect(payload.tokens).toBeNull();
    expect(await writtenRows()).toEqual(before);
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ["a wrong audience", (email: string) => googleToken(email, { aud: "another-app" }), {}, "INVALID_ID_TOKEN", /another application/],
    ["a wrong issuer", (email: string) => googleToken(email, { iss: "https://evil.example" }), {}, "INVALID_ID_TOKEN", /another provider/],
    ["a token another provider signed", (email: string) => apple.mintIdToken({ aud: googleClientId, email }), {}, "INVALID_ID_TOKEN", /signature/],
    ["a signature by another key", (email: string) => googleToken(email, {}, { foreignKey: true }), {}, "INVALID_ID_TOKEN", /signature/],
    ["an expired token", (email: string) => googleToken(email, { iat: now() - 7200, exp: now() - 3600 }), {}, "ID_TOKEN_EXPIRED", /expired/],
    ["a wrong nonce", (email: string) => googleToken(email, { nonce: "nonce-one" }), { nonce: "nonce-two" }, "ID_TOKEN_NONCE_MISMATCH", /nonce/],
    ["no nonce where one was sent", (email: string) => googleToken(email), { nonce: "nonce-two" }, "ID_TOKEN_NONCE_MISMATCH", /nonce/],
    ["garbage", async () => "not.a.jwt", {}, "INVALID_ID_TOKEN", /not valid/],
  ] as const)("refuses %s with a clear userError, writing nothing", async (_case, makeToken, extra, code, message) => {
    const email = uniqueEmail("bad-token");
    const idToken = await makeToken(email);
    const before = await writtenRows();
    const payload = await ssoRegister({ email, registrationType: "GOOGLE", idToken, ...extra });
    expect(payload.userErrors).toEqual([{ field: ["input", "idToken"], code, message: expect.stringMatching(message) }]);
    expect(payload.user).toBeNull();
    expect(await writtenRows()).toEqual(before);
    expect(await prisma().user.count({ where: { email } })).toBe(0);
  });

  it("checks the nonce when one is given, and registers when it matches", async () => {
    const email = uniqueEmail("nonce");
    const payload = await ssoRegister({ email, registrationType: "GOOGLE", idToken: await googleToken(email, { nonce: "n-123" }), nonce: "n-123" });
    expect(payload.userErrors).toEqual([]);
  });

  it("refuses an input email other than the token's, and a missing token", async () => {
    const before = await writtenRows();
    const mismatch = await ssoRegister({ email: uniqueEmail("typed"), registrationType: "GOOGLE", idToken: await googleToken(uniqueEmail("signed")) });
    expect(mismatch.userErrors).toEqual([{ field: ["input", "email"], code: "ID_TOKEN_EMAIL_MISMATCH", message: expect.any(String) }]);
    const missing = await ssoRegister({ email: uniqueEmail(), registrationType: "GOOGLE", idToken: null });
    expect(missing.userErrors).toEqual([{ field: ["input", "idToken"], code: "REQUIRED", message: expect.any(String) }]);
    expect(await writtenRows()).toEqual(before);
  });
});

describe("an email that already has an account", () => {
  it("asks for the account's password, links with the right one, refuses a wrong one, and creates nothing before", async () => {
    const account = await registerAccount(server, { email: uniqueEmail("owner") });
    const sub = `google-${randomUUID()}`;
    const attempt = async (password?: string) =>
      ssoRegister({ email: account.email, registrationType: "GOOGLE", idToken: await googleToken(account.email, { sub }), ...(password ? { password } : {}) });

    const before = await writtenRows();
    const withoutPassword = await attempt();
    expect(withoutPassword.userErrors).toEqual([{ field: ["input", "password"], code: "ACCOUNT_LINK_REQUIRED", message: expect.stringMatching(/password/) }]);
    expect(withoutPassword.tokens).toBeNull();
    const wrong = await attempt("not the right password at all");
    expect(wrong.userErrors).toEqual([{ field: null, code: "INVALID_CREDENTIALS", message: "Invalid email or password" }]);
    expect(await writtenRows()).toEqual(before);

    const linked = await attempt(strongPassword);
    expect(linked.userErrors).toEqual([]);
    expect(linked).toMatchObject({ user: { id: account.user.id, registrationType: "EMAIL" }, assignment: null, tokens: { tokenType: "Bearer" } });
    expect(await prisma().externalIdentity.findMany({ where: { userId: account.user.id } })).toEqual([
      expect.objectContaining({ provider: "GOOGLE", issuer: google.issuer, subject: sub }),
    ]);
    expect(await prisma().auditEvent.count({ where: { actorId: account.user.id, action: "identity.linked" } })).toBe(1);

    const later = await attempt();
    expect(later.userErrors).toEqual([]);
    expect(later.user!.id).toBe(account.user.id);
  });

  it("links an account with MFA only after its second factor, and keeps asking for it on later sign-ins", async () => {
    const account = await registerAccount(server, { email: uniqueEmail("mfa") });
    const token = account.tokens.accessToken;
    const { secret } = (await server.graphql(EnrollTotpDocument, {}, { token })).data!.enrollTotp.enrollment!;
    await server.graphql(ConfirmTotpDocument, { code: await codeAt(secret) }, { token });
    const sub = `google-${randomUUID()}`;

    const challenged = await ssoRegister({ email: account.email, registrationType: "GOOGLE", idToken: await googleToken(account.email, { sub }), password: strongPassword });
    expect(challenged).toMatchObject({ mfaRequired: true, tokens: null, user: null, userErrors: [] });
    expect(await prisma().externalIdentity.count({ where: { userId: account.user.id } })).toBe(0);

    const wrongCode = await server.graphql(VerifyMfaDocument, { challengeId: challenged.mfaChallengeId!, code: "000000" });
    expect(wrongCode.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
    expect(await prisma().externalIdentity.count({ where: { userId: account.user.id } })).toBe(0);

    const passed = await server.graphql(VerifyMfaDocument, { challengeId: challenged.mfaChallengeId!, code: await codeAt(secret, 1) });
    expect(passed.data!.verifyMfa).toMatchObject({ mfaRequired: false, userErrors: [], user: { id: account.user.id } });
    expect(await prisma().externalIdentity.count({ where: { userId: account.user.id, subject: sub } })).toBe(1);

    const later = await ssoRegister({ email: account.email, registrationType: "GOOGLE", idToken: await googleToken(account.email, { sub }) });
    expect(later).toMatchObject({ mfaRequired: true, tokens: null, userErrors: [] });
    expect(later.mfaChallengeId).toBeTruthy();
  });
});

/** A domain no other test uses. */
const uniqueDomain = (label: string) => `${label}-${randomUUID().slice(0, 8)}.example`;

/** An organization whose OWNER verified `domain` (through the real DNS flow) and set `issuer` as its identity provider. */
async function enterpriseCompany(issuer: TestOidcIssuer, domain: string, clientId: string) {
  const owner = await registerAccount(server, { fullName: "Enterprise Owner" });
  const companyId = await createOrganization(server, owner, `Org ${domain}`);
  const token = (await tokensIn(server, owner, companyId)).accessToken;
  const added = await server.graphql(AddCompanyDomainDocument, { companyId, domain }, { token });
  expect(added.data!.addCompanyDomain.ok).toBe(true);
  const claim = (await server.graphql(CompanyDomainsDocument, { id: companyId }, { token })).data!.company!.domains!.find((entry) => entry.domain === domain)!;
  dns.setTxt(claim.txtRecordName, [claim.txtRecordValue]);
  expect((await server.graphql(VerifyCompanyDomainDocument, { companyId, domain }, { token })).data!.verifyCompanyDomain.ok).toBe(true);
  const set = await server.graphql(SetCompanySsoProviderDocument, { companyId, input: { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, clientId } }, { token });
  expect(set.data!.setCompanySsoProvider).toEqual({ ssoProvider: { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, clientId }, userErrors: [] });
  return { companyId, ownerToken: token };
}

describe("ENTERPRISE sign-in through a company's own identity provider", () => {
  let acme: { companyId: string; ownerToken: string; domain: string };
  let globex: { companyId: string; ownerToken: string; domain: string };

  beforeAll(async () => {
    const acmeDomain = uniqueDomain("acme");
    const globexDomain = uniqueDomain("globex");
    acme = { ...(await enterpriseCompany(enterpriseA, acmeDomain, "acme-portal")), domain: acmeDomain };
    globex = { ...(await enterpriseCompany(enterpriseB, globexDomain, "globex-portal")), domain: globexDomain };
  });

  it("shows the provider to the company's admins", async () => {
    const shown = await server.graphql(CompanySsoProviderDocument, { id: acme.companyId }, { token: acme.ownerToken });
    expect(shown.data!.company!.ssoProvider).toEqual({ issuer: enterpriseA.issuer, jwksUrl: enterpriseA.jwksUrl, clientId: "acme-portal" });
  });

  it("registers a user of a verified domain as an active MEMBER of the company, the session starting there, then signs them in", async () => {
    const email = `alice-${randomUUID().slice(0, 6)}@${acme.domain}`;
    const sub = "employee-0001";
    const payload = await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: await enterpriseA.mintIdToken({ aud: "acme-portal", email, sub }) });
    expect(payload.userErrors).toEqual([]);
    expect(payload).toMatchObject({ assignment: "ENTERPRISE_SSO", company: { id: acme.companyId, type: "ORGANIZATION" }, user: { registrationType: "ENTERPRISE" } });
    const memberships = await prisma().membership.findMany({ where: { userId: payload.user!.id }, include: { company: true } });
    expect(memberships.map((m) => [m.company.type, m.role, m.status]).sort()).toEqual([
      ["INDIVIDUAL", "OWNER", "ACTIVE"],
      ["ORGANIZATION", "MEMBER", "ACTIVE"],
    ]);
    const me = await server.graphql(MeDocument, {}, { token: payload.tokens!.accessToken });
    expect(me.data!.me!.activeCompany!.id).toBe(acme.companyId);

    const again = await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: await enterpriseA.mintIdToken({ aud: "acme-portal", email, sub }) });
    expect(again.userErrors).toEqual([]);
    expect(again).toMatchObject({ user: { id: payload.user!.id }, assignment: null });

    // Another company's identity provider may reuse the subject: it is another person.
    const globexEmail = `alice-${randomUUID().slice(0, 6)}@${globex.domain}`;
    const other = await ssoRegister({ email: globexEmail, registrationType: "ENTERPRISE", idToken: await enterpriseB.mintIdToken({ aud: "globex-portal", email: globexEmail, sub }) });
    expect(other.userErrors).toEqual([]);
    expect(other.user!.id).not.toBe(payload.user!.id);
    expect(other.company!.id).toBe(globex.companyId);
  });

  it("lets a Google identity of a verified domain only ask to join, as an EMAIL registration would", async () => {
    const email = `gary-${randomUUID().slice(0, 6)}@${acme.domain}`;
    const payload = await ssoRegister({ email, registrationType: "GOOGLE", idToken: await googleToken(email) });
    expect(payload.userErrors).toEqual([]);
    expect(payload).toMatchObject({ assignment: "DOMAIN_MATCH", status: "REQUIRES_ADDITIONAL_VERIFICATION", company: { type: "INDIVIDUAL" } });
    const pending = await prisma().membership.findFirstOrThrow({ where: { userId: payload.user!.id, companyId: acme.companyId } });
    expect(pending).toMatchObject({ role: "MEMBER", status: "PENDING_APPROVAL" });
  });

  it("refuses an email outside the company's verified domains, writing nothing", async () => {
    const before = await writtenRows();
    for (const email of [uniqueEmail("outsider"), `mallory@sub.${acme.domain}`]) {
      const payload = await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: await enterpriseA.mintIdToken({ aud: "acme-portal", email }) });
      expect(payload.userErrors).toEqual([{ field: ["input", "idToken"], code: "SSO_DOMAIN_NOT_ALLOWED", message: expect.any(String) }]);
    }
    expect(await writtenRows()).toEqual(before);
  });

  it("never lets company A's identity provider sign someone into company B", async () => {
    const before = await writtenRows();
    const email = `eve-${randomUUID().slice(0, 6)}@${globex.domain}`;
    const payload = await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: await enterpriseA.mintIdToken({ aud: "acme-portal", email }) });
    expect(payload.userErrors).toEqual([{ field: ["input", "idToken"], code: "SSO_DOMAIN_NOT_ALLOWED", message: expect.any(String) }]);
    // A's key under B's issuer and client id is a forgery.
    const forged = await enterpriseA.mintIdToken({ aud: "globex-portal", email, iss: enterpriseB.issuer });
    const forgedPayload = await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: forged });
    expect(forgedPayload.userErrors[0]!.code).toBe("INVALID_ID_TOKEN");
    expect(await writtenRows()).toEqual(before);
    expect(await prisma().membership.count({ where: { companyId: globex.companyId, user: { email } } })).toBe(0);
  });

  it("refuses a token from an issuer no company set, and stops signing in once the company removes its provider", async () => {
    const stranger = await startOidcIssuer();
    try {
      const email = `zed-${randomUUID().slice(0, 6)}@${acme.domain}`;
      const unknown = await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: await stranger.mintIdToken({ aud: "acme-portal", email }) });
      expect(unknown.userErrors).toEqual([{ field: ["input", "idToken"], code: "SSO_PROVIDER_NOT_CONFIGURED", message: expect.any(String) }]);
    } finally {
      await stranger.close();
    }
    const org = await organizationWithRoles(server, "Removal Corp");
    const domain = uniqueDomain("removal");
    const owner = org.members.OWNER.tokens.accessToken;
    await server.graphql(AddCompanyDomainDocument, { companyId: org.companyId, domain }, { token: owner });
    const claim = (await server.graphql(CompanyDomainsDocument, { id: org.companyId }, { token: owner })).data!.company!.domains![0]!;
    dns.setTxt(claim.txtRecordName, [claim.txtRecordValue]);
    await server.graphql(VerifyCompanyDomainDocument, { companyId: org.companyId, domain }, { token: owner });
    const issuer = await startOidcIssuer();
    try {
      const input = { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, clientId: "removal-portal" };
      const byAdmin = await server.graphql(SetCompanySsoProviderDocument, { companyId: org.companyId, input }, { token: org.members.ADMIN.tokens.accessToken });
      expect(byAdmin.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect((await server.graphql(SetCompanySsoProviderDocument, { companyId: org.companyId, input }, { token: owner })).data!.setCompanySsoProvider.userErrors).toEqual([]);
      const email = `sam@${domain}`;
      const mint = () => issuer.mintIdToken({ aud: "removal-portal", email, sub: "sam" });
      expect((await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: await mint() })).userErrors).toEqual([]);
      expect((await server.graphql(RemoveCompanySsoProviderDocument, { companyId: org.companyId }, { token: owner })).data!.removeCompanySsoProvider).toEqual({ ok: true, userErrors: [] });
      const after = await ssoRegister({ email, registrationType: "ENTERPRISE", idToken: await mint() });
      expect(after.userErrors[0]!.code).toBe("SSO_PROVIDER_NOT_CONFIGURED");
      const actions = await prisma().auditEvent.findMany({ where: { companyId: org.companyId, action: { startsWith: "company.sso_provider" } }, select: { action: true } });
      expect(actions.map((event) => event.action).sort()).toEqual(["company.sso_provider_removed", "company.sso_provider_set"]);
    } finally {
      await issuer.close();
    }
  });

  it("refuses provider URLs that are not https, an issuer and client id another company uses, and individual workspaces", async () => {
    const input = { issuer: "http://login.acme.example", jwksUrl: "ftp://keys.acme.example/jwks", clientId: " " };
    const bad = await server.graphql(SetCompanySsoProviderDocument, { companyId: acme.companyId, input }, { token: acme.ownerToken });
    expect(bad.data!.setCompanySsoProvider.userErrors.map((error) => [error.field, error.code])).toEqual([
      [["input", "issuer"], "INVALID_PROVIDER_URL"],
      [["input", "jwksUrl"], "INVALID_PROVIDER_URL"],
      [["input", "clientId"], "REQUIRED"],
    ]);
    const taken = await server.graphql(
      SetCompanySsoProviderDocument,
      { companyId: globex.companyId, input: { issuer: enterpriseA.issuer, jwksUrl: enterpriseA.jwksUrl, clientId: "acme-portal" } },
      { token: globex.ownerToken },
    );
    expect(taken.data!.setCompanySsoProvider.userErrors[0]!.code).toBe("SSO_PROVIDER_TAKEN");
    const person = await registerAccount(server);
    const { companyId: individualId } = await prisma().membership.findFirstOrThrow({ where: { userId: person.user.id } });
    const individual = await server.graphql(
      SetCompanySsoProviderDocument,
      { companyId: individualId, input: { issuer: enterpriseA.issuer, jwksUrl: enterpriseA.jwksUrl, clientId: "mine" } },
      { token: person.tokens.accessToken },
    );
    expect(individual.data!.setCompanySsoProvider.userErrors[0]!.code).toBe("INDIVIDUAL_COMPANY");
  });
});
