import type { InvestmentProfile, RegistrationType, RiskTolerance } from "../../generated/prisma/enums";
import { hashPassword } from "../../platform/crypto";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors";
import type { CompaniesDeps } from "../companies/companies.deps";
import type { ClientInfo } from "../security/audit.service";
import { fullNameProblems, normalizeEmail, userSelect } from "../users/users.service";
import { needsSecondFactor, openMfaChallenge, passMfaChallenge, type MfaDeps } from "./mfa.service";
import { createAccount, type RegisterOutcome } from "./new-account";
import { passwordProblems } from "./password-policy";
import type { SessionsDeps } from "./sessions.service";
import { checkPassword, completeSignIn, emailMaxLength, recordLoginAttempt, type SignedIn } from "./sign-in";
import { linkPendingIdentity, registerWithIdToken, type SsoDeps } from "./sso.service";

export { CompanyAssignment, type RegisterOutcome } from "./new-account";
export type { SignedIn } from "./sign-in";

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
  problems.push(...fullNameProblems(input.fullName, ["input", "fullName"]));
  if (!input.password) problems.push(new DomainError(ErrorCode.REQUIRED, "Choose a password", ["input", "password"]));
  else problems.push(...passwordProblems(input.password, email, ["input", "password"]));
  return problems;
}

/** Registers with email and password, or through an identity provider's ID token (GOOGLE, APPLE, ENTERPRISE). */
export async function register(deps: AuthDeps, input: RegisterInput, client: ClientInfo): Promise<RegisterOutcome> {
  const registrationType = input.registrationType ?? "EMAIL";
  if (registrationType !== "EMAIL") return registerWithIdToken(deps, { ...input, provider: registrationType }, client);
  const email = normalizeEmail(input.email);
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
export type LoginOutcome = ({ mfaChallengeId?: undefined } & SignedIn) | { mfaChallengeId: string };

/** Signs in with email and password. Unknown email and wrong password answer alike, in similar time. */
export async function login(deps: SessionsDeps & MfaDeps, input: { email: string; password: string }, client: ClientInfo): Promise<LoginOutcome> {
  const user = await checkPassword(deps, input, client);
  if (await needsSecondFactor(deps, user.id)) {
    await recordLoginAttempt(deps, { userId: user.id, email: user.email, success: true, reason: "mfa_required" }, client);
    return { mfaChallengeId: await openMfaChallenge(deps, user.id) };
  }
  return completeSignIn(deps, user, client);
}

/**
 * The second step of a sign-in: a TOTP or recovery code answering the challenge `login` (or an SSO
 * registration) opened. A challenge opened to link an SSO identity links it now.
 */
export async function verifyMfa(deps: SessionsDeps & MfaDeps, challengeId: string, code: string, client: ClientInfo): Promise<SignedIn> {
  const { userId, pendingLink } = await passMfaChallenge(deps, challengeId, code, client);
  if (pendingLink) await linkPendingIdentity(deps, userId, pendingLink, client);
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { ...userSelect, lastActiveCompanyId: true } });
  return completeSignIn(deps, user, client, pendingLink?.provider);
}
