import type { PrismaClient } from "../../generated/prisma/client.js";
import type { UserStatus, VerificationStatus } from "../../generated/prisma/enums.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { isUuid } from "../../platform/ids.js";

/** One user as the seed's batch_user_verification answers it; `completed: false` when the budget ran out first. */
export interface UserVerificationRecord {
  userId: string;
  /** False for unknown ids and for users who are not active members of the company (no leak across tenants). */
  exists: boolean;
  memberOfCompany: boolean;
  status: UserStatus | null;
  verificationStatus: VerificationStatus | null;
  emailVerified: boolean | null;
  locked: boolean | null;
  completed: boolean;
}

export interface BatchVerification {
  results: UserVerificationRecord[];
  timedOut: number;
  elapsedMs: number;
}

export const batchVerificationLimits = { maxIds: 1_000, budgetMs: 500 };

/** How many queries a batch is split into: each half that answers within the budget is kept. */
const queriesPerBatch = 2;

type Found = Map<string, { status: UserStatus; verificationStatus: VerificationStatus; emailVerified: boolean; locked: boolean }>;

/**
 * Verifies up to 1,000 users of one company within a time budget, in two queries run together; a half
 * that has not answered when the budget ends is marked `completed: false` instead of failing the batch.
 */
export async function verifyUsers(
  deps: { prisma: PrismaClient },
  companyId: string,
  userIds: readonly string[],
  options: { budgetMs?: number; clock?: () => number } = {},
): Promise<BatchVerification> {
  const clock = options.clock ?? performance.now.bind(performance);
  const started = clock();
  if (userIds.length > batchVerificationLimits.maxIds) {
    throw new DomainError(ErrorCode.TOO_MANY_IDS, `At most ${batchVerificationLimits.maxIds} user ids per batch`, ["userIds"]);
  }
  const company = companyId.toLowerCase();
  const wanted = [...new Set(userIds.map((id) => id.toLowerCase()).filter(isUuid))];
  const size = Math.ceil(wanted.length / queriesPerBatch) || 1;
  const parts = Array.from({ length: queriesPerBatch }, (_, index) => wanted.slice(index * size, (index + 1) * size)).filter((part) => part.length);
  const budgetEnds = new Promise<"late">((resolve) => {
    const timer = setTimeout(() => resolve("late"), Math.max(0, (options.budgetMs ?? batchVerificationLimits.budgetMs) - (clock() - started)));
    timer.unref();
  });
  const answered = await Promise.all(parts.map((part) => Promise.race([findMembers(deps.prisma, company, part), budgetEnds])));
  const found: Found = new Map();
  const late = new Set<string>();
  answered.forEach((answer, index) => {
    if (answer === "late") parts[index]!.forEach((id) => late.add(id));
    else for (const [id, user] of answer) found.set(id, user);
  });
  const results = userIds.map((asked) => verificationOf(asked, found.get(asked.toLowerCase()), late.has(asked.toLowerCase())));
  return { results, timedOut: results.filter((result) => !result.completed).length, elapsedMs: Math.round((clock() - started) * 100) / 100 };
}

/** One statement driven by the asked ids (one index lookup each), passed as a single array parameter. */
async function findMembers(prisma: PrismaClient, companyId: string, userIds: string[]): Promise<Found> {
  const rows = await prisma.$queryRaw<{ id: string; status: UserStatus; verification_status: VerificationStatus; email_verified: boolean; locked: boolean }[]>`
    SELECT u."id", u."status", u."verification_status", u."email_verified_at" IS NOT NULL AS "email_verified",
           (u."status" = 'LOCKED' OR coalesce(u."locked_until" > now(), false)) AS "locked"
    FROM unnest(${userIds}::uuid[]) AS "asked"("id")
    JOIN "users" u ON u."id" = "asked"."id" AND u."deleted_at" IS NULL
    JOIN "memberships" m ON m."user_id" = u."id" AND m."company_id" = ${companyId}::uuid AND m."status" = 'ACTIVE'`;
  return new Map(rows.map((row) => [row.id, { status: row.status, verificationStatus: row.verification_status, emailVerified: row.email_verified, locked: row.locked }]));
}

function verificationOf(userId: string, user: Found extends Map<string, infer U> ? U | undefined : never, late: boolean): UserVerificationRecord {
  if (late) return { userId, exists: false, memberOfCompany: false, status: null, verificationStatus: null, emailVerified: null, locked: null, completed: false };
  if (!user) return { userId, exists: false, memberOfCompany: false, status: null, verificationStatus: null, emailVerified: null, locked: null, completed: true };
  return { userId, exists: true, memberOfCompany: true, ...user, completed: true };
}
