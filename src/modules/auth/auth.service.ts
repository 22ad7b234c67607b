import { randomUUID } from "node:crypto";
import type { InvestmentProfile, RegistrationType, RiskTolerance } from "../../generated/prisma/enums";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../../platform/crypto";
import { isUniqueViolation } from "../../platform/db/unique-violation";
import { BugError, DomainError, DomainErrors, ErrorCode } from "../../platform/errors";
import type { CompaniesDeps } from "../companies/companies.deps";
import { createCompanyWithOwner, findActiveMembership } from "../companies/companies.service";
import { findCompanyByVerifiedDomain } from "../companies/domains.service";
import { domainOfEmail } from "../companies/domains";
import { claimInvitation, grantMembership } from "../companies/invitations.service";
import { membershipChanged } from "../companies/memberships.service";
import { recordAudit, type ClientInfo } from "../security/audit.service";
import { forgetUser, fullNameProblems, normalizeEmail, userSelect, type UserRecord } from "../users/users.service";
import { countFailedLogin } from "./lockout";
import { needsSecondFactor, openMfaChallenge, passMfaChallenge, type ChallengeMethod, type MfaDeps } from "./mfa.service";
import { passwordProblems } from "./password-policy";
import { checkSignInRisk, type SignInRiskDeps } from "./sign-in-risk";
import { issueTokens, openSession, type AuthTokens, type SessionsDeps } from "./sessions.service";

/** How registration placed the new user (the seed's determine_company_assignment). */
export const CompanyAssignment = { INVITATION: "INVITATION", DOMAIN_MATCH: "DOMAIN_MATCH", INDIVIDUAL: "INDIVIDUAL" } as const;
export type CompanyAssignment = keyof typeof CompanyAssignment;

export interface RegisterInput {
  email: string;
  password?: string | null;
  fullName: string;
  registrationType?: RegistrationType | null;
  idToken?: string | null;
  invitationCode?: string | null;
  investmentProfile?: InvestmentProfile | null;
  riskTolerance?: RiskTolerance | null;
}

export interface SignedIn {
  user: UserRecord;
  tokens: AuthTokens;
}

const emailMaxLength = 254;

function registrationProblems(input: RegisterInput, email: string): DomainError[] {
  const problems: DomainError[] = [];
  if (email.length > emailMaxLength) problems.push(new DomainError(ErrorCode.TOO_LONG, "The email address is too long", ["input", "email"]));
  problems.push(...fullNameProblems(input.fullName, ["input", "fullName"]));
  if (!input.password) problems.push(new DomainError(ErrorCode.REQUIRED, "Choose a password", ["input", "password"]));
  else problems.push(...passwordProblems(input.password, email, ["input", "password"]));
  return problems;
}

export interface Registered extends SignedIn {
  status: UserRecord["verificationStatus"];
  assignment: CompanyAssignment;
  /** The company the first session acts in; for a domain match, the one awaiting approval is `pendingCompanyId`. */
  companyId: string;
  pendingCompanyId: string | null;
}

/**
 * Registers with email and password: the user, their individual company (as OWNER) with a FREE
 * subscription, the first session, and the company assignment, in one transaction. A valid invitation
 * code joins the inviting company with the invited role (the session starts there); otherwise an email
 * of a domain a company verified asks to join it (pending an ADMIN's approval).
 */
export async function register(deps: SessionsDeps & CompaniesDeps, input: RegisterInput, client: ClientInfo): Promise<Registered> {
  if ((input.registrationType ?? "EMAIL") !== "EMAIL") {
    throw new DomainError(ErrorCode.UNSUPPORTED_REGISTRATION_TYPE, "Only EMAIL registration is available", ["input", "registrationType"]);
  }
  const email = normalizeEmail(input.email);
  await deps.rateLimiter.consume("register", { ip: client.ip, account: email });
  const problems = registrationProblems(input, email);
  if (problems.length) throw new DomainErrors(problems);

  const passwordHash = await hashPassword(input.password!);
  const fullName = input.fullName.trim();
  const now = new Date();
  try {
    const userId = randomUUID();
    const individualId = randomUUID();
    const registered = await deps.prisma.$transaction(async (tx) => {
      const invited = input.invitationCode ? await claimInvitation(tx, input.invitationCode, email, userId, now).catch(onInvitationField) : null;
      const activeCompanyId = invited?.companyId ?? individualId;
      const user = await tx.user.create({
        data: {
          id: userId,
          email,
          passwordHash,
          fullName,
          registrationType: "EMAIL",
          investmentProfile: input.investmentProfile ?? null,
          riskTolerance: input.riskTolerance ?? null,
          lastActiveCompanyId: activeCompanyId,
          lastLoginAt: now,
        },
        select: userSelect,
      });
      await createCompanyWithOwner(tx, { id: individualId, name: fullName, type: "INDIVIDUAL", ownerId: userId, at: now });
      let pendingCompanyId: string | null = null;
      if (invited) {
        await grantMembership(tx, userId, invited.companyId, invited.role, now);
      } else {
        pendingCompanyId = await findCompanyByVerifiedDomain(tx, domainOfEmail(email));
        if (pendingCompanyId) {
          await tx.membership.create({ data: { userId, companyId: pendingCompanyId, role: "MEMBER", status: "PENDING_APPROVAL", roleSince: now } });
        }
      }
      const assignment: CompanyAssignment = invited ? "INVITATION" : pendingCompanyId ? "DOMAIN_MATCH" : "INDIVIDUAL";
      await recordAudit(tx, {
        action: "user.registered",
        actorId: userId,
        companyId: activeCompanyId,
        targetType: "user",
        targetId: userId,
        metadata: { assignment, ...(invited ? { invitationId: invited.invitationId, role: invited.role } : {}), ...(pendingCompanyId ? { pendingCompanyId } : {}) },
        client,
      });
      if (pendingCompanyId) {
        await recordAudit(tx, {
          action: "membership.requested",
          actorId: userId,
          companyId: pendingCompanyId,
          targetType: "user",
          targetId: userId,
          metadata: { via: "verified_domain" },
          client,
        });
      }
      const opened = await openSession(deps, tx, { userId, companyId: activeCompanyId, userAgent: client.userAgent, ip: client.ip, authMethods: ["pwd"] });
      return { user, ...opened, assignment, invited, activeCompanyId, pendingCompanyId };
    });
    await membershipChanged(deps, userId, individualId, "OWNER", now);
    if (registered.invited) await membershipChanged(deps, userId, registered.invited.companyId, registered.invited.role, now);
    const tokens = await issueTokens(deps, registered.session, registered.refreshToken, { correlationId: client.correlationId });
    return {
      user: registered.user,
      tokens,
      status: registered.pendingCompanyId ? "REQUIRES_ADDITIONAL_VERIFICATION" : registered.user.verificationStatus,
      assignment: registered.assignment,
      companyId: registered.activeCompanyId,
      pendingCompanyId: registered.pendingCompanyId,
    };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError(ErrorCode.EMAIL_TAKEN, "An account with this email already exists", ["input", "email"]);
    }
    throw error;
  }
}

/** Invitation problems found at registration point at the input's invitationCode. */
function onInvitationField(error: unknown): never {
  if (error instanceof DomainError) throw new DomainError(error.code, error.message, ["input", "invitationCode"]);
  throw error;
}

const invalidCredentials = () => new DomainError(ErrorCode.INVALID_CREDENTIALS, "Invalid email or password");

/** Signs in with email and password. Unknown email and wrong password answer alike, in similar time. */
/** Records one sign-in attempt, successful or not, with where it came from. */
function recordLoginAttempt(
  deps: Pick<SessionsDeps, "prisma">,
  attempt: { userId: string | null; email: string; success: boolean; reason: string | null },
  client: ClientInfo,
): Promise<unknown> {
  return deps.prisma.loginAttempt.create({
    data: { ...attempt, email: attempt.email.slice(0, emailMaxLength), ip: client.ip, userAgent: client.userAgent?.slice(0, 512) ?? null },
    select: { id: true },
  });
}

/** A sign-in that passed the password: signed in, or waiting for the second factor on a challenge. */
export type LoginOutcome = ({ mfaChallengeId?: undefined } & SignedIn) | { mfaChallengeId: string; mfaMethod: ChallengeMethod };

export async function login(deps: SessionsDeps & MfaDeps & SignInRiskDeps, input: { email: string; password: string }, client: ClientInfo): Promise<LoginOutcome> {
  const email = normalizeEmail(input.email);
  await deps.rateLimiter.consume("login", { ip: client.ip, account: email });
  const user =
    email.length <= emailMaxLength
      ? await deps.prisma.user.findUnique({
          where: { email },
          select: { ...userSelect, passwordHash: true, lockedUntil: true, lastActiveCompanyId: true },
        })
      : null;
  const passwordOk = user?.passwordHash && input.password.length <= 1024
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password.slice(0, 1024));

  const recordAttempt = (success: boolean, reason: string | null) =>
    recordLoginAttempt(deps, { userId: user?.id ?? null, email, success, reason }, client);

  if (!user || !passwordOk || user.status === "DELETED") {
    if (user && user.status !== "DELETED") await countFailedLogin(deps.prisma, user.id, deps.config.lockout, new Date());
    await recordAttempt(false, user ? "wrong_password" : "unknown_email");
    throw invalidCredentials();
  }
  if (user.status === "SUSPENDED") {
    await recordAttempt(false, "suspended");
    throw new DomainError(ErrorCode.ACCOUNT_SUSPENDED, "This account is suspended; contact support");
  }
  if (user.status === "LOCKED" || (user.lockedUntil && user.lockedUntil > new Date())) {
    await recordAttempt(false, "locked");
    throw new DomainError(ErrorCode.ACCOUNT_LOCKED, "This account is temporarily locked; try again later or reset your password");
  }

  const hasMfa = await needsSecondFactor(deps, user.id);
  const { stepUp } = await checkSignInRisk(deps, user, client, hasMfa).catch(async (error: unknown) => {
    if (error instanceof DomainError) await recordAttempt(false, "risk_locked");
    throw error;
  });
  if (hasMfa || stepUp) {
    const mfaMethod: ChallengeMethod = hasMfa ? "TOTP" : "EMAIL_CODE";
    await recordAttempt(true, "mfa_required");
    return { mfaChallengeId: await openMfaChallenge(deps, user.id, mfaMethod), mfaMethod };
  }
  const { passwordHash: _hash, lockedUntil: _locked, ...signingIn } = user;
  return completeSignIn(deps, signingIn, client, ["pwd"]);
}

/** The second step of a sign-in: a TOTP or recovery code answering the challenge `login` opened. */
export async function verifyMfa(deps: SessionsDeps & MfaDeps, challengeId: string, code: string, client: ClientInfo): Promise<SignedIn> {
  const { userId, method } = await passMfaChallenge(deps, challengeId, code, client);
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { ...userSelect, lastActiveCompanyId: true } });
  return completeSignIn(deps, user, client, ["pwd", method === "TOTP" ? "otp" : "email"]);
}

/** Opens a session for a user who proved who they are, in the company they last used. */
async function completeSignIn(
  deps: SessionsDeps,
  user: UserRecord & { lastActiveCompanyId: string | null },
  client: ClientInfo,
  authMethods: string[],
): Promise<SignedIn> {
  const membership = await findActiveMembership(deps, user.id, user.lastActiveCompanyId);
  if (!membership) throw new BugError("BUG_USER_WITHOUT_COMPANY", "an active user has no active membership");
  const now = new Date();
  const { session, refreshToken } = await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { lastLoginAt: now, lastActiveCompanyId: membership.companyId, failedLoginCount: 0, lockoutCount: 0, lockedUntil: null },
    });
    await recordAudit(tx, { action: "auth.login", actorId: user.id, companyId: membership.companyId, targetType: "user", targetId: user.id, client });
    return openSession(deps, tx, { userId: user.id, companyId: membership.companyId, userAgent: client.userAgent, ip: client.ip, authMethods });
  });
  await forgetUser(deps, user.id);
  await recordLoginAttempt(deps, { userId: user.id, email: user.email, success: true, reason: null }, client);
  const tokens = await issueTokens(deps, session, refreshToken, { correlationId: client.correlationId, membership });
  const { lastActiveCompanyId: _last, ...record } = user;
  return { user: { ...record, lastLoginAt: now }, tokens };
}
