import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../logger.js";
import { createCache, type Cache, type CacheOptions } from "./cache.js";

const redisUrl = process.env.REDIS_URL;
const logger = createLogger({ level: "silent" });
const opened: Cache[] = [];

async function open(options: Partial<CacheOptions> = {}): Promise<Cache> {
  const cache = await createCache({ logger, namespace: `test-${randomUUID()}`, ...options });
  opened.push(cache);
  return cache;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
});

function nextMessage(cache: Cache, channel: string): Promise<string> {
  return new Promise((resolve) => {
    const unsubscribe = cache.subscribe(channel, (message) => {
      unsubscribe();
      resolve(message);
    });
  });
}

function behavesLikeTheCache(redis: string | undefined) {
  it("misses, then returns what was set, as JSON", async () => {
    const cache = await open({ redisUrl: redis });
    expect(await cache.get("user:1")).toBeUndefined();
    await cache.set("user:1", { id: "1", at: new Date("2026-01-02T03:04:05Z"), tags: ["a"] }, 60);
    expect(await cache.get("user:1")).toEqual({ id: "1", at: "2026-01-02T03:04:05.000Z", tags: ["a"] });
    await cache.set("absent:2", null, 60);
    expect(await cache.get("absent:2")).toBeNull();
  });

  it("forgets a value after its ttl and after delete", async () => {
    const cache = await open({ redisUrl: redis });
    await cache.set("short", 1, 0.2);
    await cache.set("long", 2, 60);
    await vi.waitFor(async () => expect(await cache.get("short")).toBeUndefined(), { timeout: 2_000 });
    expect(await cache.get("long")).toBe(2);
    await cache.delete("long");
    expect(await cache.get("long")).toBeUndefined();
  });

  it("refuses values JSON cannot hold and ttls that are not positive", async () => {
    const cache = await open({ redisUrl: redis });
    await expect(cache.set("k", undefined, 60)).rejects.toThrow(TypeError);
    await expect(cache.set("k", 1, 0)).rejects.toThrow(RangeError);
    await expect(cache.publish("_cache:invalidate", "x")).rejects.toThrow(/reserved/);
  });

  it("delivers published messages to subscribers until they unsubscribe", async () => {
    const cache = await open({ redisUrl: redis });
    const received: string[] = [];
    const unsubscribe = cache.subscribe("sessions.revoked", (message) => void received.push(message));
    const failing = cache.subscribe("sessions.revoked", () => {
      throw new Error("handler bug");
    });
    const delivered = nextMessage(cache, "sessions.revoked");
    await cache.publish("sessions.revoked", "s-1");
    expect(await delivered).toBe("s-1");
    expect(received).toEqual(["s-1"]);
    unsubscribe();
    failing();
    const last = nextMessage(cache, "sessions.revoked");
    await cache.publish("sessions.revoked", "s-2");
    await last;
    expect(received).toEqual(["s-1"]);
  });
}

describe("cache in process (no Redis)", () => {
  behavesLikeTheCache(undefined);

  it("bounds the LRU by estimated bytes as well as by entries", async () => {
    const cache = await open({ lruMaxEntries: 1_000, lruMaxBytes: 64 * 1024 });
    const row = { id: "x", text: "a".repeat(10_000) };
    for (let n = 0; n < 10; n += 1) await cache.set(`row:${n}`, row, 60);
    expect(await cache.get("row:0")).toBeUndefined();
    expect(await cache.get("row:9")).toEqual(row);
    await cache.set("huge", "b".repeat(100_000), 60);
    expect(await cache.get("huge")).toBeUndefined();
  });

  it("reports health as disabled", async () => {
    const cache = await open();
    expect(await cache.health()).toBe("disabled");
  });
});

describe.runIf(redisUrl)("cache on Redis (REDIS_URL)", () => {
  const url = redisUrl as string;
  behavesLikeTheCache(url);

  it("stores namespaced JSON with a ttl in Redis and reports health ok", async () => {
    const namespace = `test-${randomUUID()}`;
    const cache = await open({ redisUrl: url, namespace });
    const raw = new Redis(url);
    try {
      await cache.set("company:7", { name: "Acme" }, 30);
      expect(await raw.get(`${namespace}:company:7`)).toBe('{"name":"Acme"}');
      expect(await raw.pttl(`${namespace}:company:7`)).toBeGreaterThan(25_000);
      expect(await cache.health()).toBe("ok");
    } finally {
      raw.disconnect();
    }
  });

  it("keeps namespaces apart", async () => {
    const one = await open({ redisUrl: url });
    const other = await open({ redisUrl: url });
    await one.set("shared-name", "one", 60);
    expect(await other.get("shared-name")).toBeUndefined();
    const otherGot = vi.fn();
    other.subscribe("events", otherGot);
    const delivered = nextMessage(one, "events");
    await one.publish("events", "hello");
    await delivered;
    expect(otherGot).not.toHaveBeenCalled();
  });

  it("serves from the LRU, and a delete or set on one replica evicts the other's copy", async () => {
    const namespace = `test-${randomUUID()}`;
    const a = await open({ redisUrl: url, namespace });
    const b = await open({ redisUrl: url, namespace });
    const raw = new Redis(url);
    try {
      const key = `${namespace}:user:9`;
      await raw.set(key, '{"v":1}', "EX", 60);
      expect(await b.get("user:9")).toEqual({ v: 1 });
      // Changed behind the cache's back: b still answers from its LRU.
      await raw.set(key, '{"v":"behind"}', "EX", 60);
      expect(await b.get("user:9")).toEqual({ v: 1 });

      await a.delete("user:9");
      await vi.waitFor(async () => expect(await b.get("user:9")).toBeUndefined(), { timeout: 2_000 });

      await raw.set(key, '{"v":2}', "EX", 60);
      expect(await b.get("user:9")).toEqual({ v: 2 });
      await raw.set(key, '{"v":"behind"}', "EX", 60);
      expect(await b.get("user:9")).toEqual({ v: 2 });
      await a.set("user:9", { v: 3 }, 60);
      await vi.waitFor(async () => expect(await b.get("user:9")).toEqual({ v: 3 }), { timeout: 2_000 });
    } finally {
      raw.disconnect();
    }
  });

  it("delivers one replica's messages to the other's subscribers", async () => {
    const namespace = `test-${randomUUID()}`;
    const a = await open({ redisUrl: url, namespace });
    const b = await open({ redisUrl: url, namespace });
    const delivered = nextMessage(b, "tokens.not-before");
    // The subscription is sent to Redis asynchronously; publishing until it lands avoids a race.
    await vi.waitFor(async () => {
      await a.publish("tokens.not-before", "user-1");
      await expect(Promise.race([delivered, new Promise((r) => setTimeout(r, 50, "none"))])).resolves.toBe("user-1");
    });
  });
});
