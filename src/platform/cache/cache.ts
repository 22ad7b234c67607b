import type { Logger } from "../logger.js";
import type { CacheFootprint } from "./footprint.js";
import { createLocalCache } from "./local-cache.js";
import { createRedisCache } from "./redis-cache.js";

export type CacheHealth = "ok" | "unavailable" | "disabled";
export type CacheLayer = "lru" | "redis";

/** Told of every lookup in a layer: the LRU, then Redis when the LRU could not answer. */
export interface CacheLookups {
  record(layer: CacheLayer, hit: boolean): void;
}

const uncounted: CacheLookups = { record() {} };
export type MessageHandler = (message: string) => void | Promise<void>;
export type CoherenceHandler = (lostAt: Date) => void | Promise<void>;
/** Turns a value as JSON gave it back into what callers use (e.g. strings into Dates); run once per value held. */
export type Reviver<T> = (cached: T) => T;

/**
 * The service's one cache: an in-process LRU in front of Redis, with pub/sub. Values go through JSON
 * in both modes, so a `Date` comes back as a string; returned objects are shared, treat them as read-only.
 */
export interface Cache {
  /** The value, or `undefined` on a miss (also when Redis is unreachable). `null` is a value. */
  get<T>(key: string, revive?: Reviver<T>): Promise<T | undefined>;
  /** The value this process's LRU holds, at once; `undefined` when it holds none (then `get` asks Redis). */
  peek<T>(key: string, revive?: Reviver<T>): T | undefined;
  /** Stores a JSON-serialisable value; other replicas drop their LRU copy of the key. */
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  /** Removes the key here and in Redis; other replicas drop their LRU copy of the key. */
  delete(key: string): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  /** Handlers run for messages published from any replica (this one included); returns the unsubscribe. */
  subscribe(channel: string, handler: MessageHandler): () => void;
  /**
   * Runs `handler` each time pub/sub is back after a loss, with when it was lost: messages published in
   * between never arrived, so state fed by them must be read again. Never runs without Redis. Returns the removal.
   */
  onCoherenceRegained(handler: CoherenceHandler): () => void;
  /** What this process's LRU holds. */
  footprint(): CacheFootprint;
  /** `disabled` without Redis; `unavailable` when Redis does not answer a ping in time. */
  health(): Promise<CacheHealth>;
  close(): Promise<void>;
}

export interface CacheOptions {
  /** Without it the cache is in-process only and pub/sub stays inside this process. */
  redisUrl?: string;
  logger: Logger;
  /** Prefix of every Redis key and channel, `<namespace>:<key>`. */
  namespace?: string;
  lruMaxEntries?: number;
  /** Bound on the LRU's estimated bytes, besides its entries. */
  lruMaxBytes?: number;
  /** How long `createCache` waits for Redis before it goes on without it (ioredis keeps retrying). */
  connectTimeoutMs?: number;
  /** Upper bound on one Redis command, the health ping included. */
  commandTimeoutMs?: number;
  lookups?: CacheLookups;
}

export const cacheDefaults = {
  namespace: "user-management",
  lruMaxEntries: 10_000,
  lruMaxBytes: 32 * 1024 * 1024,
  connectTimeoutMs: 2_000,
  commandTimeoutMs: 500,
  lookups: uncounted,
};

/** Creates the cache: Redis-backed when `redisUrl` is given, in-process otherwise. */
export async function createCache(options: CacheOptions): Promise<Cache> {
  const resolved = { ...cacheDefaults, ...withoutUndefined(options) };
  const logger = options.logger.child({ component: "cache" });
  if (!resolved.redisUrl) return createLocalCache({ ...resolved, logger });
  return createRedisCache({ ...resolved, url: resolved.redisUrl, logger });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
