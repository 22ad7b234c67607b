import { randomUUID } from "node:crypto";
import type { Prisma } from "../../generated/prisma/client.js";
import { verifyAgainstDummy, verifyPassword } from "../../platform/crypto.js";
import { lockFor } from "../../platform/db/locks.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { requireRecentProof } from "../auth/recent-proof.js";
import { announceEndedSessions, endSessionsIn, type SessionsDeps } from "../auth/sessions.service.js";
import { forgetCompany } from "../companies/companies.service.js";
import { membershipChanged } from "../companies/memberships.service.js";
import { recordAudit, type SessionActor } from "../security/audit.service.js";
import { forgetUser } from "../users/users.service.js";

export type AccountDeletionDeps = SessionsDeps & { config: { mfa: { stepUpMaxAgeSeconds: number } } };

export const deletedUserName = "Deleted user";

/** A unique address nobody can receive mail at (RFC 6761 `.invalid`), so the real one is free to register again. */
function placeholderEmail(): string {
  return `deleted-${randomUUID()}@deleted.invalid`;
}

/**
 * Proves the caller may delete the account: its password (rate limited like a sign-in) or, for an account
 * without one (SSO only), a second factor or SSO sign-in proven in this session within the step-up window.
 */
async function requireDeletionProof(deps: AccountDeletionDeps, actor: SessionActor, password: string | null | undefined) {
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true, passwordHash: true } });
  if (!user.passwordHash) {
    requireRecentProof(deps, actor);
    if (!actor.amr.some((method) => method === "otp" || method === "sso")) {
      throw new DomainError(ErrorCode.STEP_UP_REQUIRED, "Sign in again with your identity provider, or confirm with your authenticator (reauthenticate), then delete the account");
    }
    return user;
  }
  if (!password) throw new DomainError(ErrorCode.REQUIRED, "Give your password to delete the account", ["password"]);
  await deps.rateLimiter.consume("login", { ip: actor.ip, account: user.email });
  const ok = password.length <= 1024 ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password.slice(0, 1024));
  if (!ok) throw new DomainError(ErrorCode.WRONG_PASSWORD, "The password is not right", ["password"]);
  return user;
}

interface EndedMembership {
  companyId: string;
}

/**
 * Locks the companies the user owns (the same advisory lock every membership write of a company takes),
 * refuses when one is an organization with other active members, and answers the ones to close.
 */
async function companiesToClose(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const owned = await tx.membership.findMany({ where: { userId, role: "OWNER", status: "ACTIVE" }, select: { companyId: true }, orderBy: { companyId: "asc" } });
  for (const { companyId } of owned) await lockFor(tx, `company-members:${companyId}`);
  const others = await tx.membership.findMany({
    where: { companyId: { in: owned.map((row) => row.companyId) }, userId: { not: userId }, status: "ACTIVE", company: { status: "ACTIVE" } },
    select: { companyId: true },
    distinct: ["companyId"],
  });
  if (others.length) {
    throw new DomainError(
      ErrorCode.SOLE_OWNER_WITH_MEMBERS,
      `You own ${others.length === 1 ? "a company" : `${others.length} companies`} with other members (${others.map((row) => row.companyId).join(", ")}): transfer ownership first (transferOwnership)`,
    );
  }
  return owned.map((row) => row.companyId);
}

/**
 * Deletes the caller's account: personal data anonymised on the user row (kept so the append-only audit
 * trail still names an actor, now anonymous), credentials, sessions, factors, tokens, identities, sign-in
 * history and security events deleted, memberships ended, owned companies with no other member closed,
 * pending invitations they sent revoked. One transaction with its audit event; then every replica is told.
 */
export async function deleteAccount(deps: AccountDeletionDeps, actor: SessionActor, password: string | null | undefined): Promise<void> {
  const user = await requireDeletionProof(deps, actor, password);
  const userId = actor.userId;
  const at = new Date((deps.clock ?? Date.now)());
  const { ended, memberships, closed } = await deps.prisma.$transaction(async (tx) => {
    const closed = await companiesToClose(tx, userId);
    const memberships: EndedMembership[] = await tx.membership.findMany({ where: { userId }, select: { companyId: true } });
    const ended = await endSessionsIn(tx, deps, { userId, reason: "account_deleted", client: actor });

    await tx.company.updateMany({ where: { id: { in: closed } }, data: { status: "DELETED" } });
    // An individual company is named after its owner: its name and slug are personal data too.
    for (const companyId of await individualCompanies(tx, closed)) {
      await tx.company.update({ where: { id: companyId }, data: { name: deletedUserName, slug: `deleted-${companyId}` } });
    }
    await tx.subscription.updateMany({ where: { companyId: { in: closed } }, data: { status: "CANCELED" } });
    await tx.invitation.updateMany({
      where: { status: "PENDING", OR: [{ invitedById: userId }, { companyId: { in: closed } }] },
      data: { status: "REVOKED" },
    });
    await tx.membership.deleteMany({ where: { userId } });
    await tx.session.deleteMany({ where: { userId } });
    await tx.refreshToken.deleteMany({ where: { userId } });
    await tx.mfaFactor.deleteMany({ where: { userId } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.oneTimeToken.deleteMany({ where: { userId } });
    await tx.externalIdentity.deleteMany({ where: { userId } });
    await tx.loginAttempt.deleteMany({ where: { OR: [{ userId }, { email: user.email }] } });
    await tx.securityEvent.deleteMany({ where: { userId } });
    await tx.user.update({
      where: { id: userId },
      data: {
        email: placeholderEmail(),
        fullName: deletedUserName,
        passwordHash: null,
        investmentProfile: null,
        riskTolerance: null,
        emailVerifiedAt: null,
        lastLoginAt: null,
        lastFailedLoginAt: null,
        failedLoginCount: 0,
        lockoutCount: 0,
        lockedUntil: null,
        lastActiveCompanyId: null,
        isPlatformOperator: false,
        status: "DELETED",
        deletedAt: at,
      },
    });
    await recordAudit(tx, {
      action: "user.deleted",
      actorId: userId,
      targetType: "user",
      targetId: userId,
      metadata: { closedCompanyIds: closed, endedMemberships: memberships.length },
      client: actor,
    });
    return { ended, memberships, closed };
  });

  await forgetUser(deps, userId);
  for (const companyId of closed) await forgetCompany(deps, companyId);
  await announceEndedSessions(deps, ended);
  for (const membership of memberships) await membershipChanged(deps, userId, membership.companyId, null, at);
}

async function individualCompanies(tx: Prisma.TransactionClient, companyIds: string[]): Promise<string[]> {
  const rows = await tx.company.findMany({ where: { id: { in: companyIds }, type: "INDIVIDUAL" }, select: { id: true } });
  return rows.map((row) => row.id);
}
