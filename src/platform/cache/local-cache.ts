import type { Logger } from "../logger.js";
import type { Cache, CacheLookups, Reviver } from "./cache.js";
import { checkChannel, toJson, ttlToMs } from "./cache-input.js";
import { ChannelHandlers } from "./channel-handlers.js";
import { LocalStore } from "./local-store.js";

/** The cache without Redis: the LRU alone, and pub/sub delivered inside this process. */
export function createLocalCache(options: { logger: Logger; lruMaxEntries: number; lruMaxBytes: number; lookups: CacheLookups }): Cache {
  const { lookups } = options;
  const store = new LocalStore({ maxEntries: options.lruMaxEntries, maxBytes: options.lruMaxBytes });
  const handlers = new ChannelHandlers(options.logger);
  return {
    async get<T>(key: string, revive?: Reviver<T>) {
      const hit = store.get(key, revive);
      lookups.record("lru", hit !== undefined);
      return hit?.value;
    },
    peek<T>(key: string, revive?: Reviver<T>) {
      const hit = store.get(key, revive);
      // A miss is counted by the `get` that follows it.
      if (hit) lookups.record("lru", true);
      return hit?.value;
    },
    async set<T>(key: string, value: T, ttlSeconds: number) {
      const ttlMs = ttlToMs(ttlSeconds);
      const json = toJson(value);
      store.set(key, JSON.parse(json), ttlMs, json.length);
    },
    async delete(key: string) {
      store.delete(key);
    },
    async publish(channel: string, message: string) {
      checkChannel(channel);
      // Delivered on a later turn, as it would be through Redis, never inside the publisher's call.
      setImmediate(() => handlers.dispatch(channel, message));
    },
    subscribe(channel, handler) {
      checkChannel(channel);
      const subscription = handlers.add(channel, handler);
      return () => void subscription.remove();
    },
    onCoherenceRegained() {
      return () => {};
    },
    footprint: () => store.footprint(),
    async health() {
      return "disabled";
    },
    async close() {
      store.clear();
      handlers.clear();
    },
  };
}
