import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../logger.js";
import type { Cache, CacheHealth, CacheLookups, CoherenceHandler, MessageHandler, Reviver } from "./cache.js";
import { checkChannel, reservedChannelPrefix, toJson, ttlToMs } from "./cache-input.js";
import { ChannelHandlers } from "./channel-handlers.js";
import type { CacheFootprint } from "./footprint.js";
import { LocalStore } from "./local-store.js";

export interface RedisCacheOptions {
  url: string;
  logger: Logger;
  namespace: string;
  lruMaxEntries: number;
  lruMaxBytes: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  lookups: CacheLookups;
}

/** What goes over `<namespace>:_cache:invalidate`: the keys whose LRU copies other replicas must drop. */
interface Invalidation {
  origin: string;
  keys: string[];
}

/** The LRU in front of Redis. Starts even when Redis is down, and then runs without it until it is back. */
export async function createRedisCache(options: RedisCacheOptions): Promise<Cache> {
  const cache = new RedisCache(options);
  const deadline = Date.now() + options.connectTimeoutMs;
  while (!cache.connected() && Date.now() < deadline) await sleep(10);
  if (!cache.connected()) {
    options.logger.warn({ redis: new URL(options.url).host }, "redis not reachable at startup; cache runs without it until it is");
  }
  return cache;
}

class RedisCache implements Cache {
  readonly #origin = randomUUID();
  readonly #logger: Logger;
  readonly #prefix: string;
  readonly #invalidationChannel: string;
  readonly #store: LocalStore;
  readonly #handlers: ChannelHandlers;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #lookups: CacheLookups;
  // The LRU is trusted only while other replicas' invalidations can reach it.
  #coherent = false;
  // Bumped by every write and invalidation: a Redis read that raced one must not refill the LRU.
  #epoch = 0;
  #closed = false;
  // Since when messages may have been missed (start counts: state built before the first subscription); cleared once announced.
  #lostAt: Date | undefined = new Date();
  readonly #regainHandlers = new Set<CoherenceHandler>();

  constructor(options: RedisCacheOptions) {
    this.#logger = options.logger;
    this.#prefix = `${options.namespace}:`;
    this.#invalidationChannel = `${this.#prefix}${reservedChannelPrefix}invalidate`;
    this.#store = new LocalStore({ maxEntries: options.lruMaxEntries, maxBytes: options.lruMaxBytes });
    this.#lookups = options.lookups;
    this.#handlers = new ChannelHandlers(options.logger);
    const shared: RedisOptions = {
      connectTimeout: options.connectTimeoutMs,
      retryStrategy: reconnectDelayMs,
    };
    // Commands fail fast while disconnected (a miss or a warning) instead of queueing behind the outage.
    this.#commands = new Redis(options.url, {
      ...shared,
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      autoResendUnfulfilledCommands: false,
    });
    // Subscriptions made during an outage wait for the reconnect.
    this.#subscriber = new Redis(options.url, { ...shared, maxRetriesPerRequest: null });
    this.#watch(this.#commands, "commands");
    this.#watch(this.#subscriber, "subscriber");
    this.#subscriber.on("ready", () => this.#listenForInvalidations());
    this.#subscriber.on("close", () => {
      if (this.#coherent) this.#lostAt = new Date();
      this.#coherent = false;
      this.#store.clear();
    });
    this.#subscriber.on("message", (channel: string, message: string) => this.#onMessage(channel, message));
  }

  connected(): boolean {
    return this.#coherent && this.#commands.status === "ready";
  }

  peek<T>(key: string, revive?: Reviver<T>): T | undefined {
    if (!this.#coherent) return undefined;
    const hit = this.#store.get(key, revive);
    // A miss is counted by the `get` that follows it.
    if (hit) this.#lookups.record("lru", true);
    return hit?.value;
  }

  async get<T>(key: string, revive?: Reviver<T>): Promise<T | undefined> {
    if (this.#coherent) {
      const hit = this.#store.get(key, revive);
      this.#lookups.record("lru", hit !== undefined);
      if (hit) return hit.value;
    }
    const epoch = this.#epoch;
    let json: string | null;
    let ttlMs: number;
    try {
      [json, ttlMs] = await Promise.all([this.#commands.get(this.#key(key)), this.#commands.pttl(this.#key(key))]);
    } catch (err) {
      this.#lookups.record("redis", false);
      this.#logger.debug({ key, err: messageOf(err) }, "cache read failed; treated as a miss");
      return undefined;
    }
    this.#lookups.record("redis", json !== null);
    if (json === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      this.#logger.warn({ key }, "cache value in redis is not JSON; treated as a miss");
      return undefined;
    }
    if (this.#coherent && epoch === this.#epoch && ttlMs > 0) this.#store.set(key, value, ttlMs, json.length);
    return revive ? revive(value as T) : (value as T);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const json = toJson(value);
    const ttlMs = ttlToMs(ttlSeconds);
    const epoch = ++this.#epoch;
    this.#store.delete(key);
    try {
      await this.#commands.set(this.#key(key), json, "PX", ttlMs);
    } catch (err) {
      this.#logger.warn({ key, err: messageOf(err) }, "cache write failed");
      return;
    }
    await this.#invalidateElsewhere(key);
    if (this.#coherent && epoch === this.#epoch) this.#store.set(key, JSON.parse(json), ttlMs, json.length);
  }

  async delete(key: string): Promise<void> {
    this.#epoch++;
    this.#store.delete(key);
    try {
      await this.#commands.del(this.#key(key));
    } catch (err) {
      this.#logger.warn({ key, err: messageOf(err) }, "cache delete failed");
    }
    await this.#invalidateElsewhere(key);
  }

  async publish(channel: string, message: string): Promise<void> {
    checkChannel(channel);
    try {
      await this.#commands.publish(this.#prefix + channel, message);
    } catch (err) {
      this.#logger.warn({ channel, err: messageOf(err) }, "cache publish failed");
    }
  }

  subscribe(channel: string, handler: MessageHandler): () => void {
    checkChannel(channel);
    const name = this.#prefix + channel;
    const subscription = this.#handlers.add(name, handler);
    if (subscription.first) this.#subscriber.subscribe(name).catch((err) => this.#subscribeFailed(name, err));
    return () => {
      if (subscription.remove() && !this.#closed) {
        this.#subscriber.unsubscribe(name).catch((err) => this.#subscribeFailed(name, err));
      }
    };
  }

  onCoherenceRegained(handler: CoherenceHandler): () => void {
    this.#regainHandlers.add(handler);
    return () => void this.#regainHandlers.delete(handler);
  }

  footprint(): CacheFootprint {
    return this.#store.footprint();
  }

  async health(): Promise<CacheHealth> {
    if (this.#closed || !this.#coherent) return "unavailable";
    try {
      await this.#commands.ping();
      return "ok";
    } catch {
      return "unavailable";
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#coherent = false;
    this.#store.clear();
    this.#handlers.clear();
    this.#regainHandlers.clear();
    await Promise.all([disconnect(this.#commands), disconnect(this.#subscriber)]);
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  async #invalidateElsewhere(key: string): Promise<void> {
    const invalidation: Invalidation = { origin: this.#origin, keys: [key] };
    try {
      await this.#commands.publish(this.#invalidationChannel, JSON.stringify(invalidation));
    } catch (err) {
      this.#logger.warn({ key, err: messageOf(err) }, "cache invalidation not published");
    }
  }

  #listenForInvalidations(): void {
    this.#subscriber.subscribe(this.#invalidationChannel).then(
      () => {
        if (this.#closed) return;
        // Invalidations sent while we were not listening are lost, so nothing older is kept.
        this.#store.clear();
        this.#coherent = true;
        this.#announceRegained();
      },
      (err) => this.#subscribeFailed(this.#invalidationChannel, err),
    );
  }

  #announceRegained(): void {
    const lostAt = this.#lostAt;
    if (!lostAt) return;
    this.#lostAt = undefined;
    this.#logger.info({ lostAt }, "redis pub/sub regained; catching up on what it missed");
    for (const handler of this.#regainHandlers) {
      Promise.resolve()
        .then(() => handler(lostAt))
        .catch((err) => this.#logger.warn({ err: messageOf(err) }, "catch-up after redis outage failed"));
    }
  }

  #onMessage(channel: string, message: string): void {
    if (channel !== this.#invalidationChannel) return this.#handlers.dispatch(channel, message);
    try {
      const invalidation = JSON.parse(message) as Invalidation;
      if (invalidation.origin === this.#origin) return;
      this.#epoch++;
      for (const key of invalidation.keys) this.#store.delete(key);
    } catch {
      this.#logger.warn({ channel }, "malformed cache invalidation ignored");
    }
  }

  #subscribeFailed(channel: string, err: unknown): void {
    if (!this.#closed) this.#logger.warn({ channel, err: messageOf(err) }, "cache subscription change failed");
  }

  #watch(client: Redis, role: string): void {
    let up = false;
    client.on("ready", () => {
      if (up) return;
      up = true;
      this.#logger.info({ role }, "redis connected");
    });
    client.on("close", () => {
      if (up && !this.#closed) this.#logger.warn({ role }, "redis connection lost; cache degraded until it returns");
      up = false;
    });
    // Without a listener ioredis prints every reconnect error to the console.
    client.on("error", (err: Error) => this.#logger.debug({ role, err: err.message }, "redis connection error"));
  }
}

/**
 * ioredis's wait before reconnect attempt `attempt`: grows to at most 500 ms, so a replica is back within
 * about half a second of Redis, and is jittered so a fleet does not reconnect in lockstep.
 */
export function reconnectDelayMs(attempt: number): number {
  const ceiling = Math.min(attempt * 100, reconnectMaxDelayMs);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export const reconnectMaxDelayMs = 500;

async function disconnect(client: Redis): Promise<void> {
  if (client.status === "ready") {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through to the hard disconnect.
    }
  }
  client.disconnect();
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
