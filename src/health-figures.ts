import type { AppDeps } from "./deps.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { checkHealth, type HealthReport } from "./health.js";
import { cachedValue } from "./platform/cached-value.js";
import type { PoolStats } from "./platform/db/database.js";

/** The management port's figures, each null when there is nothing to compute it from. */
export interface HealthFigures {
  avg_auth_time_ms: number | null;
  jwt_validation_success_rate: number | null;
  active_users_24h: number | null;
  new_registrations_24h: number | null;
  subscription_conversion_rate: number | null;
  active_companies: number | null;
  failed_login_rate: number | null;
  mfa_adoption_rate: number | null;
  security_incidents_24h: number | null;
  outbox_backlog: number | null;
  context_cache_hit_rate: number | null;
  token_cache_size: number;
  database_connection_pool: PoolStats;
}

export type DegradedPart = "database" | "cache" | "outbox";

export interface DetailedHealthReport extends HealthReport {
  /** The parts that fail; the status is degraded (HTTP 503) when it is not empty. */
  degraded: DegradedPart[];
  figures: HealthFigures;
}

interface Counts {
  active_users: number;
  users: number;
  new_users: number;
  mfa_users: number;
  companies: number;
  active_companies: number;
  paid_companies: number;
  login_attempts: number;
  failed_logins: number;
  security_incidents: number;
  unpublished_events: number;
}

/** Every figure the database holds, in one statement; the 24-hour ones read indexed ranges, the totals count users and companies. */
async function countFigures(prisma: PrismaClient): Promise<Counts> {
  const since = new Date(Date.now() - 24 * 3600_000);
  const [counts] = await prisma.$queryRaw<Counts[]>`
    SELECT * FROM
      (SELECT count(DISTINCT user_id)::int AS active_users FROM sessions WHERE last_used_at >= ${since}::timestamptz) AS active,
      (SELECT (count(*) FILTER (WHERE status <> 'DELETED'))::int AS users,
              (count(*) FILTER (WHERE created_at >= ${since}::timestamptz))::int AS new_users FROM users) AS registered,
      (SELECT count(DISTINCT factor.user_id)::int AS mfa_users FROM mfa_factors factor JOIN users ON users.id = factor.user_id
        WHERE factor.confirmed_at IS NOT NULL AND users.status <> 'DELETED') AS mfa,
      (SELECT (count(*) FILTER (WHERE company.status <> 'DELETED'))::int AS companies,
              (count(*) FILTER (WHERE company.status = 'ACTIVE'))::int AS active_companies,
              (count(*) FILTER (WHERE company.status <> 'DELETED' AND subscription.tier <> 'FREE'))::int AS paid_companies
        FROM companies company LEFT JOIN subscriptions subscription ON subscription.company_id = company.id) AS tenants,
      (SELECT count(*)::int AS login_attempts, (count(*) FILTER (WHERE NOT success))::int AS failed_logins
        FROM login_attempts WHERE created_at >= ${since}::timestamptz) AS logins,
      (SELECT count(*)::int AS security_incidents FROM security_events WHERE created_at >= ${since}::timestamptz) AS incidents,
      (SELECT count(*)::int AS unpublished_events FROM outbox_events WHERE published_at IS NULL) AS outbox`;
  return counts!;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole, 4);
}

function round(value: number | null, digits: number): number | null {
  return value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
}

/**
 * The detailed health of the management port. What needs the database (the checks and the counts) is
 * computed at most once per `HEALTH_FIGURES_TTL_SECONDS`, once for any number of callers meanwhile;
 * the in-process figures are read fresh on each call.
 */
export function createHealthFigures(deps: AppDeps): () => Promise<DetailedHealthReport> {
  const snapshot = cachedValue(deps.config.health.figuresTtlMs, async () => {
    const counting = countFigures(deps.database.prisma).catch((error: unknown) => {
      deps.logger.warn({ err: error }, "health figures could not be read from the database");
      return null;
    });
    const [health, counts] = await Promise.all([checkHealth(deps), counting]);
    return { health, counts };
  });

  return async () => {
    const { health, counts } = await snapshot();
    const degraded: DegradedPart[] = [];
    if (health.checks.database.status !== "ok" || !counts) degraded.push("database");
    if (health.checks.cache.status === "unavailable") degraded.push("cache");
    if (counts && counts.unpublished_events >= deps.config.outbox.backlogWarningRows) degraded.push("outbox");
    const { auth, cache } = deps.metrics;
    return {
      ...health,
      status: degraded.length ? "degraded" : "healthy",
      degraded,
      figures: {
        avg_auth_time_ms: round(auth.meanTokenCheckMs(), 3),
        jwt_validation_success_rate: round(auth.tokenSuccessRate(), 4),
        active_users_24h: counts?.active_users ?? null,
        new_registrations_24h: counts?.new_users ?? null,
        subscription_conversion_rate: counts ? ratio(counts.paid_companies, counts.companies) : null,
        active_companies: counts?.active_companies ?? null,
        failed_login_rate: counts ? ratio(counts.failed_logins, counts.login_attempts) : null,
        mfa_adoption_rate: counts ? ratio(counts.mfa_users, counts.users) : null,
        security_incidents_24h: counts?.security_incidents ?? null,
        outbox_backlog: counts?.unpublished_events ?? null,
        context_cache_hit_rate: round(cache.hitRate(), 4),
        token_cache_size: deps.tokens.cacheFootprint().entries,
        database_connection_pool: deps.database.poolStats(),
      },
    };
  };
}
