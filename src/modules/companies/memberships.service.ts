import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../../platform/cursor.js";
import { shapedPrefix } from "../../platform/cache/cache-keys.js";
import { lockFor } from "../../platform/db/locks.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { distinctUuids, isUuid } from "../../platform/ids.js";
import { hasRoleAtLeast, type Role } from "../../permissions/roles.js";
import { pageSize, recordAudit, type Actor } from "../security/audit.service.js";
import { requireFreeSeat } from "../subscriptions/seats.js";
import type { CompaniesDeps } from "./companies.deps.js";

export const membershipSelect = {
  id: true,
  userId: true,
  companyId: true,
  role: true,
  status: true,
  createdAt: true,
} as const satisfies Prisma.MembershipSelect;

export type MembershipRecord = Prisma.MembershipGetPayload<{ select: typeof membershipSelect }>;

export interface MembersPage {
  memberships: MembershipRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

// Short-lived: a list read just before a change commits can be cached after the change dropped it.
const memberListCache = { prefix: shapedPrefix("company-members", membershipSelect), ttlSeconds: 60 };
/** Companies with more active members than this are paged from the database instead of the cached list. */
const cachedMemberListLimit = 1_000;

type CachedMembership = Omit<MembershipRecord, "createdAt"> & { createdAt: string };

/**
 * Tells this replica's guard, and every other by pub/sub, that a role was granted, changed or ended (`null`),
 * and drops the company's cached member list. Every membership write calls it after committing.
 */
export async function membershipChanged(
  deps: Pick<CompaniesDeps, "guard" | "cache">,
  userId: string,
  companyId: string,
  role: Role | null,
  at: Date,
): Promise<void> {
  await deps.guard.membershipChanged(userId, companyId, role, at);
  await deps.cache.delete(memberListCache.prefix + companyId);
}

type MembersDeps = Pick<CompaniesDeps, "prisma" | "cache">;

/** The company's whole active member list, oldest first, through the cache; null when it is too long to cache. */
async function cachedMemberList(deps: MembersDeps, companyId: string): Promise<CachedMembership[] | null> {
  const key = memberListCache.prefix + companyId;
  const cached = await deps.cache.get<CachedMembership[] | false>(key);
  if (cached !== undefined) return cached || null;
  const rows = await deps.prisma.membership.findMany({
    where: { companyId, status: "ACTIVE" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: cachedMemberListLimit + 1,
    select: membershipSelect,
  });
  const list = rows.length > cachedMemberListLimit ? false : rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  await deps.cache.set(key, list, memberListCache.ttlSeconds);
  return list || null;
}

/** A page of the company's active members, oldest first: from the cached member list, or one query for a large company. */
export async function listMembers(deps: MembersDeps, companyId: string, page: { first: number; after?: string | null }): Promise<MembersPage> {
  const take = pageSize(page.first);
  const cursor = page.after ? decodeCursor(page.after) : null;
  const list = await cachedMemberList(deps, companyId);
  let rows: MembershipRecord[];
  if (list) {
    let start = 0;
    if (cursor) {
      // ISO timestamps of one format sort as the instants they name.
      const at = cursor.at.toISOString();
      start = list.findIndex((row) => row.createdAt > at || (row.createdAt === at && row.id > cursor.id));
    }
    rows = (start < 0 ? [] : list.slice(start, start + take + 1)).map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
  } else {
    rows = await deps.prisma.membership.findMany({
      where: {
        companyId,
        status: "ACTIVE",
        ...(cursor ? { OR: [{ createdAt: { gt: cursor.at } }, { createdAt: cursor.at, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: take + 1,
      select: membershipSelect,
    });
  }
  const memberships = rows.slice(0, take);
  const last = memberships.at(-1);
  return { memberships, hasNextPage: rows.length > take, endCursor: last ? encodeCursor(last.createdAt, last.id) : null };
}

/** How many active members the company has. */
export async function countMembers(deps: MembersDeps, companyId: string): Promise<number> {
  const list = await cachedMemberList(deps, companyId);
  return list ? list.length : deps.prisma.membership.count({ where: { companyId, status: "ACTIVE" } });
}

/** Memberships awaiting an ADMIN's approval (domain joins), oldest first. */
export function listPendingMembers(deps: { prisma: PrismaClient }, companyId: string): Promise<MembershipRecord[]> {
  return deps.prisma.membership.findMany({
    where: { companyId, status: "PENDING_APPROVAL" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: membershipSelect,
  });
}

/** Each user's active memberships in active companies, in the order asked (one query for all). */
export async function findMembershipsOfUsers(deps: { prisma: PrismaClient }, userIds: readonly string[]): Promise<MembershipRecord[][]> {
  const wanted = distinctUuids(userIds);
  const rows = wanted.length
    ? await deps.prisma.membership.findMany({
        where: { userId: { in: wanted }, status: "ACTIVE", company: { status: "ACTIVE" } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: membershipSelect,
      })
    : [];
  return userIds.map((id) => rows.filter((row) => row.userId === id.toLowerCase()));
}

/** Which of `userIds` hold a membership (active or awaiting approval) in one of `companyIds`. */
export async function findUsersInCompanies(deps: { prisma: PrismaClient }, userIds: readonly string[], companyIds: string[]): Promise<boolean[]> {
  const wanted = distinctUuids(userIds);
  const rows =
    wanted.length && companyIds.length
      ? await deps.prisma.membership.findMany({
          where: { userId: { in: wanted }, companyId: { in: companyIds }, company: { status: "ACTIVE" } },
          select: { userId: true },
          distinct: ["userId"],
        })
      : [];
  const found = new Set(rows.map((row) => row.userId));
  return userIds.map((id) => found.has(id.toLowerCase()));
}

type Tx = Prisma.TransactionClient;

/**
 * Serialises membership changes of one company across replicas, then reads the caller's row (FORBIDDEN
 * unless they are an active member) and the target's.
 */
async function lockedMembers(tx: Tx, companyId: string, actorId: string, targetId: string) {
  await lockFor(tx, `company-members:${companyId}`);
  const rows = await tx.membership.findMany({
    where: { companyId, userId: { in: [actorId, targetId] } },
    select: { id: true, userId: true, role: true, status: true },
  });
  const actor = rows.find((row) => row.userId === actorId && row.status === "ACTIVE");
  if (!actor) throw new DomainError(ErrorCode.FORBIDDEN, "You are not a member of this company");
  return { actor, target: rows.find((row) => row.userId === targetId) };
}

const notAMember = () => new DomainError(ErrorCode.NOT_A_MEMBER, "That user is not a member of this company", ["userId"]);

function requireOutranks(actorRole: Role, role: Role, field: string[]): void {
  if (hasRoleAtLeast(role, actorRole)) {
    throw new DomainError(ErrorCode.ROLE_NOT_BELOW_YOURS, "You can only grant, change or remove roles below your own", field);
  }
}

function targetUserId(userId: string): string {
  if (!isUuid(userId)) throw notAMember();
  return userId.toLowerCase();
}

/** Changes a member's role; both the old and the new role must be below the caller's, and the OWNER moves only by transfer. */
export async function updateMemberRole(deps: CompaniesDeps, actor: Actor, companyId: string, userId: string, role: Role): Promise<void> {
  const target = targetUserId(userId);
  if (target === actor.userId) throw new DomainError(ErrorCode.CANNOT_TARGET_SELF, "You cannot change your own role", ["userId"]);
  if (role === "OWNER") {
    throw new DomainError(ErrorCode.OWNERSHIP_TRANSFER_REQUIRED, "Use transferOwnership to make someone the OWNER", ["role"]);
  }
  const at = new Date();
  const changed = await deps.prisma.$transaction(async (tx) => {
    const members = await lockedMembers(tx, companyId, actor.userId, target);
    if (!members.target || members.target.status !== "ACTIVE") throw notAMember();
    if (members.target.role === "OWNER") {
      throw new DomainError(ErrorCode.OWNERSHIP_TRANSFER_REQUIRED, "The OWNER keeps the role until ownership is transferred", ["userId"]);
    }
    requireOutranks(members.actor.role, members.target.role, ["userId"]);
    requireOutranks(members.actor.role, role, ["role"]);
    if (members.target.role === role) return false;
    await tx.membership.update({ where: { id: members.target.id }, data: { role, roleSince: at } });
    await recordAudit(tx, {
      action: "membership.role_changed",
      actorId: actor.userId,
      companyId,
      targetType: "user",
      targetId: target,
      metadata: { from: members.target.role, to: role },
      client: actor,
    });
    return true;
  });
  if (changed) await membershipChanged(deps, target, companyId, role, at);
}

async function endMembership(
  deps: CompaniesDeps,
  actor: Actor,
  companyId: string,
  target: string,
  action: "membership.removed" | "membership.left",
): Promise<void> {
  const at = new Date();
  await deps.prisma.$transaction(async (tx) => {
    const members = await lockedMembers(tx, companyId, actor.userId, target);
    if (!members.target || members.target.status !== "ACTIVE") throw notAMember();
    if (members.target.role === "OWNER") {
      throw new DomainError(ErrorCode.OWNERSHIP_TRANSFER_REQUIRED, "The OWNER cannot leave or be removed until ownership is transferred");
    }
    if (action === "membership.removed") requireOutranks(members.actor.role, members.target.role, ["userId"]);
    await tx.membership.delete({ where: { id: members.target.id } });
    await tx.session.updateMany({ where: { userId: target, activeCompanyId: companyId }, data: { activeCompanyId: null } });
    await recordAudit(tx, {
      action,
      actorId: actor.userId,
      companyId,
      targetType: "user",
      targetId: target,
      metadata: { role: members.target.role },
      client: actor,
    });
  });
  await membershipChanged(deps, target, companyId, null, at);
}

/** Removes a member whose role is below the caller's; their tokens for the company stop at once. */
export async function removeMember(deps: CompaniesDeps, actor: Actor, companyId: string, userId: string): Promise<void> {
  const target = targetUserId(userId);
  if (target === actor.userId) throw new DomainError(ErrorCode.CANNOT_TARGET_SELF, "Use leaveCompany to leave a company", ["userId"]);
  await endMembership(deps, actor, companyId, target, "membership.removed");
}

/** The caller leaves the company; the OWNER must transfer ownership first. */
export async function leaveCompany(deps: CompaniesDeps, actor: Actor, companyId: string): Promise<void> {
  await endMembership(deps, actor, companyId, actor.userId, "membership.left");
}

/** Makes an active member the OWNER and the caller (the current OWNER) an ADMIN, in one transaction. */
export async function transferOwnership(deps: CompaniesDeps, actor: Actor, companyId: string, userId: string): Promise<void> {
  const target = targetUserId(userId);
  if (target === actor.userId) throw new DomainError(ErrorCode.CANNOT_TARGET_SELF, "You already own this company", ["userId"]);
  const at = new Date();
  await deps.prisma.$transaction(async (tx) => {
    const members = await lockedMembers(tx, companyId, actor.userId, target);
    if (members.actor.role !== "OWNER") throw new DomainError(ErrorCode.FORBIDDEN, "Only the OWNER can transfer ownership");
    if (!members.target || members.target.status !== "ACTIVE") throw notAMember();
    await tx.membership.update({ where: { id: members.actor.id }, data: { role: "ADMIN", roleSince: at } });
    await tx.membership.update({ where: { id: members.target.id }, data: { role: "OWNER", roleSince: at } });
    await recordAudit(tx, {
      action: "company.ownership_transferred",
      actorId: actor.userId,
      companyId,
      targetType: "user",
      targetId: target,
      metadata: { previousRole: members.target.role },
      client: actor,
    });
  });
  await membershipChanged(deps, actor.userId, companyId, "ADMIN", at);
  await membershipChanged(deps, target, companyId, "OWNER", at);
}

/** Decides a domain join awaiting approval: approve makes it an active MEMBER, reject deletes it. */
export async function decidePendingMember(
  deps: CompaniesDeps,
  actor: Actor,
  companyId: string,
  userId: string,
  decision: "approve" | "reject",
): Promise<void> {
  const target = targetUserId(userId);
  const at = new Date();
  const role = await deps.prisma.$transaction(async (tx) => {
    const members = await lockedMembers(tx, companyId, actor.userId, target);
    if (members.target?.status !== "PENDING_APPROVAL") {
      throw new DomainError(ErrorCode.NOT_A_MEMBER, "That user has no membership awaiting approval", ["userId"]);
    }
    requireOutranks(members.actor.role, members.target.role, ["userId"]);
    if (decision === "approve") {
      await requireFreeSeat(tx, deps.config.billing, companyId);
      await tx.membership.update({ where: { id: members.target.id }, data: { status: "ACTIVE", roleSince: at } });
    } else {
      await tx.membership.delete({ where: { id: members.target.id } });
    }
    await recordAudit(tx, {
      action: decision === "approve" ? "membership.approved" : "membership.rejected",
      actorId: actor.userId,
      companyId,
      targetType: "user",
      targetId: target,
      metadata: { role: members.target.role },
      client: actor,
    });
    return decision === "approve" ? members.target.role : null;
  });
  await membershipChanged(deps, target, companyId, role, at);
}
