import type { Config } from "../../config.js";
import type { InvestmentProfile, RiskTolerance } from "../../generated/prisma/enums.js";
import { isUniqueViolation } from "../../platform/db/unique-violation.js";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors.js";
import { IdTokenError, isAllowedProviderUrl, peekIssuerAndAudience, type IdTokenProblem, type IdTokenVerifier, type OidcProvider } from "../../platform/oidc/id-tokens.js";
import type { CompaniesDeps } from "../companies/companies.deps.js";
import { findCompanyByVerifiedDomain } from "../companies/domains.service.js";
import { domainOfEmail } from "../companies/domains.js";
import { findSsoProviderOfToken } from "../companies/sso-providers.service.js";
import type { ClientInfo } from "../security/audit.service.js";
import { fullNameProblems, normalizeEmail, userSelect } from "../users/users.service.js";
import { needsSecondFactor, openMfaChallenge, type MfaDeps } from "./mfa.service.js";
import { createAccount, linkIdentity, type IdentityRef, type RegisterOutcome } from "./new-account.js";
import type { SessionsDeps } from "./sessions.service.js";
import { checkPassword, completeSignIn, emailMaxLength, recordLoginAttempt, type SigningIn } from "./sign-in.js";

export interface SsoDeps {
  idTokens: IdTokenVerifier;
  config: Pick<Config, "sso" | "isProduction">;
}

type Deps = SessionsDeps & CompaniesDeps & MfaDeps & SsoDeps;

export interface SsoRegisterInput {
  provider: IdentityRef["provider"];
  email: string;
  /** Read only to link an existing account of this email. */
  password?: string | null;
  fullName: string;
  idToken?: string | null;
  nonce?: string | null;
  invitationCode?: string | null;
  investmentProfile?: InvestmentProfile | null;
  riskTolerance?: RiskTolerance | null;
}

const idTokenField = ["input", "idToken"];

const codeOfProblem: Record<IdTokenProblem, ErrorCode> = {
  malformed: ErrorCode.INVALID_ID_TOKEN,
  bad_signature: ErrorCode.INVALID_ID_TOKEN,
  wrong_issuer: ErrorCode.INVALID_ID_TOKEN,
  wrong_audience: ErrorCode.INVALID_ID_TOKEN,
  expired: ErrorCode.ID_TOKEN_EXPIRED,
  wrong_nonce: ErrorCode.ID_TOKEN_NONCE_MISMATCH,
  email_missing: ErrorCode.EMAIL_NOT_VERIFIED,
  email_unverified: ErrorCode.EMAIL_NOT_VERIFIED,
  provider_unavailable: ErrorCode.SSO_PROVIDER_UNAVAILABLE,
};

const linkRequired = (message: string) => new DomainError(ErrorCode.ACCOUNT_LINK_REQUIRED, message, ["input", "password"]);

/** GOOGLE or APPLE as configured; a provider without a client id is off. */
function socialProvider(deps: Deps, provider: "GOOGLE" | "APPLE"): OidcProvider {
  const configured = provider === "GOOGLE" ? deps.config.sso.google : deps.config.sso.apple;
  if (!configured) throw new DomainError(ErrorCode.UNSUPPORTED_REGISTRATION_TYPE, `${provider} sign-in is not set up here`, ["input", "registrationType"]);
  return configured;
}

/** The provider a company set for the token's issuer and client id. */
async function enterpriseProvider(deps: Deps, idToken: string): Promise<{ provider: OidcProvider; companyId: string }> {
  // Read unverified only to choose the provider; the token is then verified in full against that provider.
  const { issuer, audiences } = peekIssuerAndAudience(idToken);
  const row = await findSsoProviderOfToken(deps, issuer, audiences);
  if (!row || !isAllowedProviderUrl(row.jwksUrl, deps.config.isProduction)) {
    throw new DomainError(ErrorCode.SSO_PROVIDER_NOT_CONFIGURED, "No company signs in with this identity provider", idTokenField);
  }
  return { provider: { issuers: [row.issuer], jwksUrl: row.jwksUrl, clientIds: [row.clientId] }, companyId: row.companyId };
}

/** The verified identity the ID token proves, and for ENTERPRISE the company whose provider issued it. */
async function verifiedIdentity(deps: Deps, input: SsoRegisterInput): Promise<{ identity: IdentityRef; enterpriseCompanyId: string | null }> {
  const social = input.provider === "ENTERPRISE" ? null : socialProvider(deps, input.provider);
  const idToken = input.idToken?.trim();
  if (!idToken) throw new DomainError(ErrorCode.REQUIRED, `Pass the ID token ${input.provider} returned`, idTokenField);
  try {
    const { provider, companyId } = social ? { provider: social, companyId: null } : await enterpriseProvider(deps, idToken);
    const verified = await deps.idTokens.verify(idToken, provider, { nonce: input.nonce });
    const identity: IdentityRef = { provider: input.provider, issuer: verified.issuer, subject: verified.subject, email: normalizeEmail(verified.email) };
    // Anyone can run an OIDC issuer and name any email in its tokens, so a company's provider vouches only for
    // addresses on domains that company proved it holds (DNS); that is also what makes joining the company safe.
    if (companyId && (await findCompanyByVerifiedDomain(deps.prisma, domainOfEmail(identity.email))) !== companyId) {
      throw new DomainError(ErrorCode.SSO_DOMAIN_NOT_ALLOWED, "This identity provider may only sign in addresses of its company's verified domains", idTokenField);
    }
    return { identity, enterpriseCompanyId: companyId };
  } catch (error) {
    if (error instanceof IdTokenError) {
      throw new DomainError(codeOfProblem[error.problem], error.message, error.problem === "provider_unavailable" ? undefined : idTokenField);
    }
    throw error;
  }
}

/** Refuses accounts that may not sign in; a password lockout does not stop SSO, whose token is the proof. */
async function ensureMaySignIn(deps: Deps, user: { id: string; email: string; status: string }, client: ClientInfo): Promise<void> {
  const refusal =
    user.status === "DELETED" ? new DomainError(ErrorCode.INVALID_CREDENTIALS, "This account cannot sign in")
    : user.status === "SUSPENDED" ? new DomainError(ErrorCode.ACCOUNT_SUSPENDED, "This account is suspended; contact support")
    : user.status === "LOCKED" ? new DomainError(ErrorCode.ACCOUNT_LOCKED, "This account is locked; contact support")
    : null;
  if (!refusal) return;
  await recordLoginAttempt(deps, { userId: user.id, email: user.email, success: false, reason: user.status.toLowerCase() }, client);
  throw refusal;
}

/** Signs the user in, or opens an MFA challenge (carrying the identity still to link, if any) when they have MFA. */
async function signInOrChallenge(deps: Deps, user: SigningIn, client: ClientInfo, via: IdentityRef["provider"], pendingLink?: IdentityRef): Promise<RegisterOutcome> {
  if (await needsSecondFactor(deps, user.id)) {
    await recordLoginAttempt(deps, { userId: user.id, email: user.email, success: true, reason: "mfa_required" }, client);
    return { kind: "mfa_required", mfaChallengeId: await openMfaChallenge(deps, user.id, { pendingLink, firstFactor: "sso" }) };
  }
  if (pendingLink) await linkPendingIdentity(deps, user.id, pendingLink, client);
  return { kind: "signed_in", ...(await completeSignIn(deps, user, client, { via, authMethods: ["sso"] })) };
}

/**
 * Links an identity to an existing account once the account's owner proved it: with its password when it has one,
 * then its second factor when MFA is on. An SSO-only account without MFA has nothing to prove it with here.
 */
async function linkExistingAccount(deps: Deps, identity: IdentityRef, password: string | null | undefined, client: ClientInfo): Promise<RegisterOutcome> {
  const account = await deps.prisma.user.findUniqueOrThrow({
    where: { email: identity.email },
    select: { ...userSelect, passwordHash: true, lastActiveCompanyId: true },
  });
  const { passwordHash, ...user } = account;
  if (passwordHash) {
    if (!password) throw linkRequired("An account with this email exists: give its password to link this sign-in method to it");
    const checked = await checkPassword(deps, { email: identity.email, password }, client);
    return signInOrChallenge(deps, checked, client, identity.provider, identity);
  }
  if (await needsSecondFactor(deps, user.id)) {
    await ensureMaySignIn(deps, user, client);
    return signInOrChallenge(deps, user, client, identity.provider, identity);
  }
  throw linkRequired("An account with this email exists: sign in with the method you used before");
}

/**
 * Registers or signs in with an identity provider's ID token. A known identity signs its user in; an email
 * without an account gets a new one (email verified by the provider, no password); an email that has an
 * account is linked only once that account's password (or second factor) is given.
 */
export async function registerWithIdToken(deps: Deps, input: SsoRegisterInput, client: ClientInfo): Promise<RegisterOutcome> {
  const { identity, enterpriseCompanyId } = await verifiedIdentity(deps, input);
  if (normalizeEmail(input.email) !== identity.email) {
    throw new DomainError(ErrorCode.ID_TOKEN_EMAIL_MISMATCH, "The email is not the one the identity provider signed in", ["input", "email"]);
  }
  const linked = await deps.prisma.externalIdentity.findUnique({
    where: { provider_issuer_subject: { provider: identity.provider, issuer: identity.issuer, subject: identity.subject } },
    select: { user: { select: { ...userSelect, lastActiveCompanyId: true } } },
  });
  if (linked) {
    await ensureMaySignIn(deps, linked.user, client);
    return signInOrChallenge(deps, linked.user, client, identity.provider);
  }
  if (await deps.prisma.user.findUnique({ where: { email: identity.email }, select: { id: true } })) {
    return linkExistingAccount(deps, identity, input.password, client);
  }
  const problems = fullNameProblems(input.fullName, ["input", "fullName"]);
  if (identity.email.length > emailMaxLength) problems.push(new DomainError(ErrorCode.TOO_LONG, "The email address is too long", ["input", "email"]));
  if (problems.length) throw new DomainErrors(problems);
  const registered = await createAccount(
    deps,
    {
      email: identity.email,
      passwordHash: null,
      fullName: input.fullName.trim(),
      registrationType: identity.provider,
      emailVerifiedAt: new Date(),
      investmentProfile: input.investmentProfile,
      riskTolerance: input.riskTolerance,
      invitationCode: input.invitationCode,
      identity,
      enterpriseCompanyId,
    },
    client,
  );
  return { kind: "registered", ...registered };
}

/** Links an identity whose account owner has just proved themself; an identity already linked to them is fine. */
export async function linkPendingIdentity(deps: Pick<SessionsDeps, "prisma">, userId: string, identity: IdentityRef, client: ClientInfo): Promise<void> {
  try {
    await deps.prisma.$transaction((tx) => linkIdentity(tx, userId, identity, client));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const holder = await deps.prisma.externalIdentity.findUnique({
      where: { provider_issuer_subject: { provider: identity.provider, issuer: identity.issuer, subject: identity.subject } },
      select: { userId: true },
    });
    if (holder?.userId !== userId) throw new DomainError(ErrorCode.ACCOUNT_LINK_REQUIRED, "This sign-in is already linked to another account", idTokenField);
  }
}
