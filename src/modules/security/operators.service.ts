import type { PrismaClient } from "../../generated/prisma/client.js";
import { jobRunId } from "../../platform/correlation.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { isUuid } from "../../platform/ids.js";
import { hasPermission, hasRoleAtLeast } from "../../permissions/roles.js";
import { announceEndedSessions, endSessionsIn, type SessionsDeps } from "../auth/sessions.service.js";
import { forgetUser } from "../users/users.service.js";
import { recordAudit, type Actor } from "./audit.service.js";

/** Whether the user is a platform operator: listed in PLATFORM_OPERATOR_IDS, or flagged in the database (never by the API). */
export async function isPlatformOperator(deps: { prisma: PrismaClient; config: { operators: { userIds: string[] } } }, userId: string): Promise<boolean> {
  if (deps.config.operators.userIds.includes(userId)) return true;
  const user = await deps.prisma.user.findUnique({ where: { id: userId }, select: { isPlatformOperator: true } });
  return user?.isPlatformOperator === true;
}

/**
 * Grants or withdraws the database flag of a platform operator (the `npm run operators` command, never the
 * API); audited with no actor. Returns the user's id, or null for an unknown email or id.
 */
export async function setPlatformOperator(prisma: PrismaClient, emailOrId: string, operator: boolean): Promise<string | null> {
  const key = emailOrId.trim().toLowerCase();
  const user = await prisma.user.findFirst({ where: isUuid(key) ? { id: key } : { email: key }, select: { id: true, isPlatformOperator: true } });
  if (!user) return null;
  if (user.isPlatformOperator === operator) return user.id;
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { isPlatformOperator: operator } });
    await recordAudit(tx, { action: operator ? "operator.granted" : "operator.revoked", actorId: null, targetType: "user", targetId: user.id, metadata: { via: "cli" }, client: { ip: null, userAgent: null, correlationId: jobRunId("operators-cli") } });
  });
  return user.id;
}

/** Platform operators flagged in the database. */
export function listPlatformOperators(prisma: PrismaClient): Promise<{ id: string; email: string }[]> {
  return prisma.user.findMany({ where: { isPlatformOperator: true }, select: { id: true, email: true }, orderBy: { email: "asc" } });
}

const reasonMaxLength = 500;

async function targetOf(deps: SessionsDeps, actor: Actor, userId: string, action: string) {
  const notFound = new DomainError(ErrorCode.NOT_FOUND, "No such user", ["userId"]);
  if (!isUuid(userId)) throw notFound;
  const target = userId.toLowerCase();
  if (target === actor.userId) throw new DomainError(ErrorCode.CANNOT_TARGET_SELF, `You cannot ${action} yourself`, ["userId"]);
  const user = await deps.prisma.user.findUnique({ where: { id: target }, select: { id: true, status: true, deletedAt: true } });
  if (!user || user.deletedAt) throw notFound;
  return user;
}

/** Suspends an account (operators): every session ends at once and sign-in answers ACCOUNT_SUSPENDED. */
export async function suspendUser(deps: SessionsDeps, actor: Actor, userId: string, reason: string): Promise<void> {
  const trimmed = reason.trim();
  if (!trimmed) throw new DomainError(ErrorCode.REQUIRED, "Give the reason for the suspension", ["reason"]);
  if (trimmed.length > reasonMaxLength) throw new DomainError(ErrorCode.TOO_LONG, `Use at most ${reasonMaxLength} characters`, ["reason"]);
  const user = await targetOf(deps, actor, userId, "suspend");
  const ended = await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { status: "SUSPENDED" } });
    await recordAudit(tx, { action: "user.suspended", actorId: actor.userId, targetType: "user", targetId: user.id, metadata: { reason: trimmed }, client: actor });
    return endSessionsIn(tx, deps, { userId: user.id, reason: "suspended", client: actor });
  });
  await forgetUser(deps, user.id);
  await announceEndedSessions(deps, ended);
}

/** Lifts a suspension (operators). */
export async function unsuspendUser(deps: SessionsDeps, actor: Actor, userId: string): Promise<void> {
  const user = await targetOf(deps, actor, userId, "unsuspend");
  if (user.status !== "SUSPENDED") throw new DomainError(ErrorCode.BAD_USER_INPUT, "This account is not suspended", ["userId"]);
  await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { status: "ACTIVE" } });
    await recordAudit(tx, { action: "user.unsuspended", actorId: actor.userId, targetType: "user", targetId: user.id, client: actor });
  });
  await forgetUser(deps, user.id);
}

/** An ADMIN acts on a member only where their role is above the member's; operators on anyone. */
async function requireAuthorityOver(deps: SessionsDeps, actorId: string, targetId: string): Promise<void> {
  if (await isPlatformOperator(deps, actorId)) return;
  const rows = await deps.prisma.membership.findMany({
    where: { userId: { in: [actorId, targetId] }, status: "ACTIVE" },
    select: { userId: true, companyId: true, role: true },
  });
  const targetRoles = new Map(rows.filter((row) => row.userId === targetId).map((row) => [row.companyId, row.role]));
  const outranks = rows.some((row) => {
    const targetRole = targetRoles.get(row.companyId);
    return row.userId === actorId && targetRole !== undefined && hasPermission(row.role, "users.manage") && !hasRoleAtLeast(targetRole, row.role);
  });
  if (!outranks) throw new DomainError(ErrorCode.ROLE_NOT_BELOW_YOURS, "You can only act on members whose role is below yours", ["userId"]);
}

/** Lifts a login lockout (operators, or ADMIN+ of a company the user belongs to, above their role). */
export async function unlockUser(deps: SessionsDeps, actor: Actor, userId: string): Promise<void> {
  const user = await targetOf(deps, actor, userId, "unlock");
  await requireAuthorityOver(deps, actor.userId, user.id);
  await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { failedLoginCount: 0, lockoutCount: 0, lockedUntil: null, ...(user.status === "LOCKED" ? { status: "ACTIVE" } : {}) },
    });
    await recordAudit(tx, { action: "user.unlocked", actorId: actor.userId, targetType: "user", targetId: user.id, client: actor });
  });
  await forgetUser(deps, user.id);
}

/** Ends every session of the user (operators, or ADMIN+ of a company the user belongs to, above their role). */
export async function revokeUserSessions(deps: SessionsDeps, actor: Actor, userId: string): Promise<void> {
  const user = await targetOf(deps, actor, userId, "sign out");
  await requireAuthorityOver(deps, actor.userId, user.id);
  const ended = await deps.prisma.$transaction(async (tx) => {
    await recordAudit(tx, { action: "user.sessions_revoked", actorId: actor.userId, targetType: "user", targetId: user.id, client: actor });
    return endSessionsIn(tx, deps, { userId: user.id, reason: "revoked_by_admin", client: actor });
  });
  await announceEndedSessions(deps, ended);
}
