import type { PrismaClient } from "../../generated/prisma/client.js";

export interface LockoutPolicy {
  /** Wrong passwords within `windowSeconds` that lock the account. */
  threshold: number;
  windowSeconds: number;
  /** The first lockout's length; each further one doubles it, up to `maxSeconds`. */
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * Counts a wrong password in one UPDATE, so concurrent attempts serialise on the row and 20 parallel
 * failures leave exactly the state 20 sequential ones would: every `threshold`-th failure in the window
 * locks the account, for twice as long as the lockout before it.
 */
export async function countFailedLogin(prisma: PrismaClient, userId: string, policy: LockoutPolicy, at: Date): Promise<{ lockedUntil: Date | null }> {
  const windowStart = new Date(at.getTime() - policy.windowSeconds * 1000);
  const rows = await prisma.$queryRaw<{ locked_until: Date | null }[]>`
    UPDATE "users" SET
      "failed_login_count" = CASE WHEN "last_failed_login_at" > ${windowStart} THEN "failed_login_count" + 1 ELSE 1 END,
      "last_failed_login_at" = ${at},
      "lockout_count" = CASE
        WHEN (CASE WHEN "last_failed_login_at" > ${windowStart} THEN "failed_login_count" + 1 ELSE 1 END) % ${policy.threshold} = 0
        THEN "lockout_count" + 1 ELSE "lockout_count" END,
      "locked_until" = CASE
        WHEN (CASE WHEN "last_failed_login_at" > ${windowStart} THEN "failed_login_count" + 1 ELSE 1 END) % ${policy.threshold} = 0
        THEN ${at}::timestamptz + make_interval(secs => LEAST(${policy.maxSeconds}::float8, ${policy.baseSeconds}::float8 * power(2, "lockout_count")))
        ELSE "locked_until" END
    WHERE "id" = ${userId}::uuid
    RETURNING "locked_until"`;
  return { lockedUntil: rows[0]?.locked_until ?? null };
}
