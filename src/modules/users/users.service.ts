import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { InvestmentProfile, RiskTolerance } from "../../generated/prisma/enums.js";
import type { Cache } from "../../platform/cache/cache.js";
import { shapedPrefix } from "../../platform/cache/cache-keys.js";
import { forgetRow, readThrough } from "../../platform/cache/read-through.js";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors.js";
import { distinctUuids, inRequestedOrder } from "../../platform/ids.js";
import { recordAudit, type Actor } from "../security/audit.service.js";

/** The columns the API may show; the password hash and security counters never leave the service. */
export const userSelect = {
  id: true,
  email: true,
  fullName: true,
  status: true,
  verificationStatus: true,
  registrationType: true,
  investmentProfile: true,
  riskTolerance: true,
  createdAt: true,
  lastLoginAt: true,
} as const satisfies Prisma.UserSelect;

export type UserRecord = Prisma.UserGetPayload<{ select: typeof userSelect }>;

export interface UsersDeps {
  prisma: PrismaClient;
  cache: Cache;
}

const userCache = {
  prefix: shapedPrefix("user", userSelect),
  ttlSeconds: 300,
  revive: (cached: UserRecord): UserRecord => ({
    ...cached,
    createdAt: new Date(cached.createdAt),
    lastLoginAt: cached.lastLoginAt ? new Date(cached.lastLoginAt) : null,
  }),
};

/** Loads users by id (cache first, then one query for the rest), in the order asked; unknown or deleted ids give null. */
export async function findUsersByIds(deps: UsersDeps, ids: readonly string[]): Promise<(UserRecord | null)[]> {
  const found = await readThrough(deps.cache, userCache, distinctUuids(ids), (missing) =>
    deps.prisma.user.findMany({ where: { id: { in: missing }, deletedAt: null }, select: userSelect }),
  );
  return inRequestedOrder(ids, [...found.values()]);
}

/** The user as this process's cache holds them, at once; `undefined` when it holds none (then load them). */
export function heldUser(deps: Pick<UsersDeps, "cache">, userId: string): UserRecord | undefined {
  return deps.cache.peek(userCache.prefix + userId, userCache.revive) ?? undefined;
}

/** Drops the cached copy of a user; every write to a column in `userSelect` must call it. */
export function forgetUser(deps: Pick<UsersDeps, "cache">, userId: string): Promise<void> {
  return forgetRow(deps.cache, userCache.prefix + userId);
}

// The shape GraphQL's EmailAddress scalar accepts, for inputs that do not pass through it (REST bodies).
const emailShape = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

/** Whether a (normalised) email looks like an address mail can be sent to. */
export function isEmailAddress(email: string): boolean {
  return emailShape.test(email);
}

/** How emails are stored and compared: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const fullNameMaxLength = 200;

/** A UTF-16 half without its other half: no text, and the embedded database refuses it. */
export function hasLoneSurrogate(value: string): boolean {
  return /[\ud800-\udfff]/u.test(value);
}

/** A display name: trimmed, 1–200 characters, no control characters, well-formed Unicode. */
export function fullNameProblems(fullName: string, field = ["fullName"]): DomainError[] {
  const trimmed = fullName.trim();
  if (!trimmed) return [new DomainError(ErrorCode.REQUIRED, "Enter a name", field)];
  if ([...trimmed].length > fullNameMaxLength) {
    return [new DomainError(ErrorCode.TOO_LONG, `Use at most ${fullNameMaxLength} characters`, field)];
  }
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return [new DomainError(ErrorCode.BAD_USER_INPUT, "The name contains control characters", field)];
  if (hasLoneSurrogate(trimmed)) return [new DomainError(ErrorCode.BAD_USER_INPUT, "The name contains a lone surrogate, which is not text", field)];
  return [];
}

export interface ProfileChanges {
  fullName?: string | null;
  investmentProfile?: InvestmentProfile | null;
  riskTolerance?: RiskTolerance | null;
}

/** Updates the user's own profile; a field left out (or null, for the name) stays as it is. */
export async function updateProfile(deps: UsersDeps, actor: Actor, changes: ProfileChanges): Promise<UserRecord> {
  const problems = changes.fullName != null ? fullNameProblems(changes.fullName, ["input", "fullName"]) : [];
  if (problems.length) throw new DomainErrors(problems);
  const data = {
    ...(changes.fullName != null ? { fullName: changes.fullName.trim() } : {}),
    ...(changes.investmentProfile !== undefined ? { investmentProfile: changes.investmentProfile } : {}),
    ...(changes.riskTolerance !== undefined ? { riskTolerance: changes.riskTolerance } : {}),
  };
  const user = await deps.prisma.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: actor.userId }, data, select: userSelect });
    await recordAudit(tx, {
      action: "user.profile_updated",
      actorId: actor.userId,
      targetType: "user",
      targetId: actor.userId,
      metadata: { changed: Object.keys(data) },
      client: actor,
    });
    return user;
  });
  await forgetUser(deps, actor.userId);
  return user;
}
