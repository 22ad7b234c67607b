import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { DomainError, ErrorCode } from "./errors.js";
import type { Logger } from "./logger.js";

/** The attempts that are limited; each is counted per client IP and per account. */
export const RateLimitedAction = ["login", "register", "passwordReset", "emailVerification", "mfa", "refresh"] as const;
export type RateLimitedAction = (typeof RateLimitedAction)[number];

/** At most `points` attempts per `durationSeconds`; `undefined` turns that scope off. */
export interface Limit {
  points: number;
  durationSeconds: number;
}

export type RateLimitSettings = Record<RateLimitedAction, { perIp?: Limit; perAccount?: Limit }>;

/** Who makes an attempt: the client's IP and the account it is about (a normalised email, a user or session id). */
export interface AttemptKeys {
  ip?: string | null;
  account?: string | null;
}

export interface RateLimiter {
  /** Counts one attempt; throws RATE_LIMITED (with the seconds to wait) when a scope is over its limit. */
  consume(action: RateLimitedAction, keys: AttemptKeys): Promise<void>;
  close(): Promise<void>;
}

/** RATE_LIMITED with the seconds until the next attempt is accepted. */
export function rateLimited(retryAfterSeconds: number): DomainError {
  const error = new DomainError(ErrorCode.RATE_LIMITED, `Too many attempts; try again in ${retryAfterSeconds} seconds`);
  error.retryAfterSeconds = retryAfterSeconds;
  return error;
}

export interface RateLimiterOptions {
  settings: RateLimitSettings;
  /** Shared counters across replicas when given; this process's memory otherwise. */
  redisUrl?: string;
  namespace: string;
  logger: Logger;
}

/**
 * Counters in Redis with an in-memory insurance limiter, so a Redis outage degrades to per-replica
 * limits instead of refusing every sign-in or letting every attempt through.
 */
export function createRateLimiter({ settings, redisUrl, namespace, logger }: RateLimiterOptions): RateLimiter {
  const redis = redisUrl
    ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500, lazyConnect: false })
    : undefined;
  redis?.on("error", (error: Error) => logger.debug({ err: error.message }, "rate limiter redis error"));
  // Attempts made while the first connection is being made wait for it, so a replica's first counts are not kept apart in its memory.
  const firstConnection = redis ? firstReady(redis, firstConnectionWaitMs) : undefined;

  const limiters = new Map<string, RateLimiterAbstract>();
  for (const action of RateLimitedAction) {
    for (const scope of ["perIp", "perAccount"] as const) {
      const limit = settings[action][scope];
      if (!limit) continue;
      const keyPrefix = `${namespace}:rl:${action}:${scope}`;
      const base = { keyPrefix, points: limit.points, duration: limit.durationSeconds };
      const memory = new RateLimiterMemory(base);
      limiters.set(`${action}:${scope}`, redis ? new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: memory }) : memory);
    }
  }

  async function consumeOne(action: RateLimitedAction, scope: "perIp" | "perAccount", key: string | null | undefined): Promise<number> {
    const limiter = limiters.get(`${action}:${scope}`);
    if (!limiter || !key) return 0;
    try {
      await limiter.consume(key);
      return 0;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
      throw outcome;
    }
  }

  return {
    async consume(action, keys) {
      if (firstConnection) await firstConnection;
      const waits = await Promise.all([consumeOne(action, "perIp", keys.ip), consumeOne(action, "perAccount", keys.account?.toLowerCase())]);
      const wait = Math.max(...waits);
      if (wait > 0) throw rateLimited(wait);
    },
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

/** How long the first attempts wait for Redis before counting in memory (Redis down at startup). */
const firstConnectionWaitMs = 2_000;

function firstReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done).off("end", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    redis.once("ready", done).once("end", done);
  });
}
