import type { InvestmentProfile, RegistrationType, RiskTolerance } from "../../generated/prisma/enums.js";
import { hashPassword } from "../../platform/crypto.js";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors.js";
import type { CompaniesDeps } from "../companies/companies.deps.js";
import type { ClientInfo } from "../security/audit.service.js";
import { fullNameProblems, isEmailAddress, normalizeEmail, userSelect } from "../users/users.service.js";
import { failedLoginResult, riskLevelOf } from "./auth-metrics.js";
import { needsSecondFactor, openMfaChallenge, passMfaChallenge, type ChallengeMethod, type MfaDeps } from "./mfa.service.js";
import { createAccount, type RegisterOutcome } from "./new-account.js";
import { passwordProblems } from "./password-policy.js";
import { checkSignInRisk, type SignInRiskDeps } from "./sign-in-risk.js";
import type { SessionsDeps } from "./sessions.service.js";
import { checkPassword, completeSignIn, emailMaxLength, recordLoginAttempt, type SignedIn } from "./sign-in.js";
import { linkPendingIdentity, registerWithIdToken, type SsoDeps } from "./sso.service.js";

export { CompanyAssignment, type RegisterOutcome } from "./new-account.js";
export type { SignedIn } from "./sign-in.js";

export interface RegisterInput {
  email: string;
  password?: string | null;
  fullName: string;
  registrationType?: RegistrationType | null;
  idToken?: string | null;
  /** The nonce the client sent to the identity provider; the ID token must carry it. */
  nonce?: string | null;
  invitationCode?: string | null;
  investmentProfile?: InvestmentProfile | null;
  riskTolerance?: RiskTolerance | null;
}

export type AuthDeps = SessionsDeps & CompaniesDeps & MfaDeps & SsoDeps;

function registrationProblems(input: RegisterInput, email: string): DomainError[] {
  const problems: DomainError[] = [];
  if (email.length > emailMaxLength) problems.push(new DomainError(ErrorCode.TOO_LONG, "The email address is too long", ["input", "email"]));
  else if (!isEmailAddress(email)) problems.push(new DomainError(ErrorCode.INVALID_EMAIL, "This is not an email address", ["input", "email"]));
  problems.push(...fullNameProblems(input.fullName, ["input", "fullName"]));
  if (!input.password) problems.push(new DomainError(ErrorCode.REQUIRED, "Choose a password", ["input", "password"]));
  else problems.push(...passwordProblems(input.password, email, ["input", "password"]));
  return problems;
}

/** Registers with email and password, or through an identity provider's ID token (GOOGLE, APPLE, ENTERPRISE). */
export async function register(deps: AuthDeps, input: RegisterInput, client: ClientInfo): Promise<RegisterOutcome> {
  const email = normalizeEmail(input.email);
  const registrationType = input.registrationType ?? "EMAIL";
  if (registrationType !== "EMAIL") {
    // Mostly later sign-ins of a known identity, so counted like logins rather than like new accounts.
    await deps.rateLimiter.consume("login", { ip: client.ip, account: email });
    return registerWithIdToken(deps, { ...input, provider: registrationType }, client);
  }
  await deps.rateLimiter.consume("register", { ip: client.ip, account: email });
  const problems = registrationProblems(input, email);
  if (problems.length) throw new DomainErrors(problems);
  const registered = await createAccount(
    deps,
    {
      email,
      passwordHash: await hashPassword(input.password!),
      fullName: input.fullName.trim(),
      registrationType: "EMAIL",
      emailVerifiedAt: null,
      investmentProfile: input.investmentProfile,
      riskTolerance: input.riskTolerance,
      invitationCode: input.invitationCode,
    },
    client,
  );
  return { kind: "registered", ...registered };
}

/** A sign-in that passed the password: signed in, or waiting for the second factor on a challenge. */
export type LoginOutcome = ({ mfaChallengeId?: undefined } & SignedIn) | { mfaChallengeId: string; mfaMethod: ChallengeMethod };

/**
 * Signs in with email and password. Unknown email and wrong password answer alike, in similar time. A right
 * password is then judged for risk: a second step (the authenticator, or a mailed code) when MFA is on or
 * the sign-in looks unusual, a lock when it looks like an attack.
 */
export async function login(deps: LoginDeps, input: { email: string; password: string }, client: ClientInfo): Promise<LoginOutcome> {
  try {
    const outcome = await signInWithPassword(deps, input, client);
    deps.authMetrics.recordLogin(outcome.mfaChallengeId === undefined ? "success" : "mfa_required");
    return outcome;
  } catch (error) {
    deps.authMetrics.recordLogin(failedLoginResult(error));
    throw error;
  }
}

type LoginDeps = SessionsDeps & MfaDeps & SignInRiskDeps;

async function signInWithPassword(deps: LoginDeps, input: { email: string; password: string }, client: ClientInfo): Promise<LoginOutcome> {
  await deps.rateLimiter.consume("login", { ip: client.ip, account: normalizeEmail(input.email) });
  const user = await checkPassword(deps, input, client);
  const hasMfa = await needsSecondFactor(deps, user.id);
  const { stepUp, risk } = await checkSignInRisk(deps, user, client, hasMfa).catch(async (error: unknown) => {
    if (error instanceof DomainError) await recordLoginAttempt(deps, { userId: user.id, email: user.email, success: false, reason: "risk_locked" }, client);
    throw error;
  });
  if (hasMfa || stepUp) {
    const mfaMethod: ChallengeMethod = hasMfa ? "TOTP" : "EMAIL_CODE";
    await recordLoginAttempt(deps, { userId: user.id, email: user.email, success: true, reason: "mfa_required" }, client);
    return { mfaChallengeId: await openMfaChallenge(deps, user.id, { method: mfaMethod }), mfaMethod };
  }
  return completeSignIn(deps, user, client, { authMethods: ["pwd"], risk: riskLevelOf(risk) });
}

/**
 * The second step of a sign-in: a TOTP or recovery code answering the challenge `login` (or an SSO
 * registration) opened. A challenge opened to link an SSO identity links it now.
 */
export async function verifyMfa(deps: SessionsDeps & MfaDeps, challengeId: string, code: string, client: ClientInfo): Promise<SignedIn> {
  const { userId, method, firstFactor, pendingLink } = await passMfaChallenge(deps, challengeId, code, client);
  deps.authMetrics.recordActivity("mfa_verify", "none");
  if (pendingLink) await linkPendingIdentity(deps, userId, pendingLink, client);
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { ...userSelect, lastActiveCompanyId: true } });
  return completeSignIn(deps, user, client, { via: pendingLink?.provider, authMethods: [firstFactor, method === "TOTP" ? "otp" : "email"] });
}
