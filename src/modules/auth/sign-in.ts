import { verifyAgainstDummy, verifyPassword } from "../../platform/crypto.js";
import { BugError, DomainError, ErrorCode } from "../../platform/errors.js";
import { findActiveMembership } from "../companies/companies.service.js";
import { recordAudit, type ClientInfo } from "../security/audit.service.js";
import { forgetUser, normalizeEmail, userSelect, type UserRecord } from "../users/users.service.js";
import type { RiskLevel } from "./auth-metrics.js";
import { countFailedLogin } from "./lockout.js";
import { issueTokens, openSession, type AuthTokens, type SessionsDeps } from "./sessions.service.js";

export interface SignedIn {
  user: UserRecord;
  tokens: AuthTokens;
  /** The company the new session acts in. */
  companyId: string;
}

/** A user about to be signed in, with the company they last used. */
export type SigningIn = UserRecord & { lastActiveCompanyId: string | null };

export const emailMaxLength = 254;

export const invalidCredentials = () => new DomainError(ErrorCode.INVALID_CREDENTIALS, "Invalid email or password");

/** Records one sign-in attempt, successful or not, with where it came from. */
export function recordLoginAttempt(
  deps: Pick<SessionsDeps, "prisma">,
  attempt: { userId: string | null; email: string; success: boolean; reason: string | null },
  client: ClientInfo,
): Promise<unknown> {
  return deps.prisma.loginAttempt.create({
    data: { ...attempt, email: attempt.email.slice(0, emailMaxLength), ip: client.ip, userAgent: client.userAgent?.slice(0, 512) ?? null },
    select: { id: true },
  });
}

/**
 * Checks an email and password: the user when both are right and the account may sign in. Unknown email and
 * wrong password answer alike, in similar time; wrong passwords count towards the lockout.
 */
export async function checkPassword(deps: SessionsDeps, input: { email: string; password: string }, client: ClientInfo): Promise<SigningIn> {
  const email = normalizeEmail(input.email);
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
  const { passwordHash: _hash, lockedUntil: _locked, ...signingIn } = user;
  return signingIn;
}

/**
 * Opens a session for a user who proved who they are, in the company they last used. `authMethods` become
 * the tokens' `amr`; `via` names the identity provider of an SSO sign-in; `risk` is the login-risk level, when assessed.
 */
export async function completeSignIn(
  deps: SessionsDeps,
  user: SigningIn,
  client: ClientInfo,
  { via, authMethods, risk = "none" }: { via?: string; authMethods: string[]; risk?: RiskLevel },
): Promise<SignedIn> {
  const membership = await findActiveMembership(deps, user.id, user.lastActiveCompanyId);
  if (!membership) throw new BugError("BUG_USER_WITHOUT_COMPANY", "an active user has no active membership");
  const now = new Date();
  const { session, refreshToken } = await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { lastLoginAt: now, lastActiveCompanyId: membership.companyId, failedLoginCount: 0, lockoutCount: 0, lockedUntil: null },
    });
    await recordAudit(tx, {
      action: "auth.login",
      actorId: user.id,
      companyId: membership.companyId,
      targetType: "user",
      targetId: user.id,
      ...(via ? { metadata: { via } } : {}),
      client,
    });
    return openSession(deps, tx, { userId: user.id, companyId: membership.companyId, userAgent: client.userAgent, ip: client.ip, authMethods });
  });
  await forgetUser(deps, user.id);
  await recordLoginAttempt(deps, { userId: user.id, email: user.email, success: true, reason: via ? `sso_${via.toLowerCase()}` : null }, client);
  const tokens = await issueTokens(deps, session, refreshToken, { correlationId: client.correlationId, membership });
  deps.authMetrics.recordActivity("login", risk);
  const { lastActiveCompanyId: _last, ...record } = user;
  return { user: { ...record, lastLoginAt: now }, tokens, companyId: membership.companyId };
}
