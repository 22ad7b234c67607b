import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import { allowSlowStatements } from "../../platform/db/statement-timeout.js";

export interface RetentionDeps {
  prisma: PrismaClient;
  config: { retention: { defaultDays: number } };
  clock?: () => number;
}

export type RetentionRun = { ran: false } | { ran: true; loginAttempts: number; securityEvents: number };

// Replicas running the job at the same moment: the one that gets this lock deletes, the others skip.
const retentionLockKey = "job:data-retention";
// Deletes over months of sign-in history may outlast the request path's statement timeout.
const retentionTimeoutMs = 120_000;

/**
 * Deletes login attempts and security events older than their user's retention: the longest
 * `dataRetentionDays` among the active companies the user is an active member of, or the configured
 * default when none of them has settings (and for attempts on unknown emails). Three set-based DELETEs
 * in one transaction, under a try-lock so concurrent runs delete once.
 */
export async function runRetention(deps: RetentionDeps): Promise<RetentionRun> {
  const now = new Date((deps.clock ?? Date.now)());
  const defaultDays = deps.config.retention.defaultDays;
  return deps.prisma.$transaction(
    async (tx) => {
      if (!(await tryLock(tx))) return { ran: false };
      await allowSlowStatements(tx, retentionTimeoutMs);
      const attemptsOfUsers = await tx.$executeRaw`
        WITH retention AS (${userRetention(defaultDays)})
        DELETE FROM login_attempts AS attempt USING retention
        WHERE attempt.user_id = retention.user_id
          AND attempt.created_at < ${now}::timestamptz - make_interval(days => retention.days)`;
      const attemptsWithoutUser = await tx.$executeRaw`
        DELETE FROM login_attempts
        WHERE user_id IS NULL AND created_at < ${now}::timestamptz - make_interval(days => ${defaultDays}::int)`;
      const securityEvents = await tx.$executeRaw`
        WITH retention AS (${userRetention(defaultDays)})
        DELETE FROM security_events AS event USING retention
        WHERE event.user_id = retention.user_id
          AND event.created_at < ${now}::timestamptz - make_interval(days => retention.days)`;
      return { ran: true, loginAttempts: attemptsOfUsers + attemptsWithoutUser, securityEvents };
    },
    { timeout: retentionTimeoutMs },
  );
}

/** Each user's retention in days (the longest of their active companies' settings, else the default). */
function userRetention(defaultDays: number): Prisma.Sql {
  return Prisma.sql`
    SELECT u.id AS user_id, COALESCE(MAX(s.data_retention_days), ${defaultDays}::int)::int AS days
    FROM users AS u
    LEFT JOIN memberships AS m ON m.user_id = u.id AND m.status = 'ACTIVE'
    LEFT JOIN companies AS c ON c.id = m.company_id AND c.status = 'ACTIVE'
    LEFT JOIN company_settings AS s ON s.company_id = c.id
    GROUP BY u.id`;
}

async function tryLock(tx: Prisma.TransactionClient): Promise<boolean> {
  const rows = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${retentionLockKey}, 0)) AS locked`;
  return rows[0]?.locked === true;
}
