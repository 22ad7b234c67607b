import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { redisServerAvailable, startPrivateRedis, type PrivateRedis } from "../../../test/support/redis.js";
import { createLogger } from "../logger.js";
import { createCache, type Cache } from "./cache.js";
import { reconnectDelayMs, reconnectMaxDelayMs } from "./redis-cache.js";

// A private redis-server on its own port: this test stops it, which it must never do to the shared one.
describe.runIf(redisServerAvailable)("cache through a Redis outage", () => {
  let redis: PrivateRedis;
  const logs: { level: number; msg: string }[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  const consoleError = vi.spyOn(console, "error");
  const opened: Cache[] = [];
  const warnings = () => logs.filter((entry) => entry.level === 40).map((entry) => entry.msg);
  const recovered = (cache: Cache) => vi.waitFor(async () => expect(await cache.health()).toBe("ok"), { timeout: 10_000 });

  async function open(namespace: string, connectTimeoutMs?: number): Promise<Cache> {
    const cache = await createCache({ redisUrl: redis.url, logger, namespace, connectTimeoutMs });
    opened.push(cache);
    return cache;
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
    await redis.start();
    logs.length = 0;
  });

  afterAll(async () => {
    await redis?.dispose();
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("degrades to misses and warnings while Redis is down, then recovers", async () => {
    const namespace = `outage-${randomUUID()}`;
    const a = await open(namespace);
    const b = await open(namespace);
    const received: string[] = [];
    b.subscribe("sessions.revoked", (message) => void received.push(message));
    await a.set("in-lru", { v: 1 }, 60);
    expect(await a.get("in-lru")).toEqual({ v: 1 });
    expect(await a.health()).toBe("ok");

    await redis.stop();
    // Each replica has two connections, and each notices the outage on its own turn.
    await vi.waitFor(
      async () => {
        expect(await a.health()).toBe("unavailable");
        expect(await a.get("in-lru")).toBeUndefined();
        expect(await b.get("in-lru")).toBeUndefined();
      },
      { timeout: 5_000 },
    );
    await expect(a.set("written-during-outage", 1, 60)).resolves.toBeUndefined();
    await expect(a.delete("in-lru")).resolves.toBeUndefined();
    await expect(a.publish("sessions.revoked", "lost")).resolves.toBeUndefined();
    expect(warnings()).toEqual(
      expect.arrayContaining(["cache write failed", "cache delete failed", "cache publish failed"]),
    );

    await redis.start();
    await recovered(a);
    await recovered(b);
    expect(await a.get("written-during-outage")).toBeUndefined();
    await a.set("after", { v: 2 }, 60);
    expect(await b.get("after")).toEqual({ v: 2 });
    await a.delete("after");
    await vi.waitFor(async () => expect(await b.get("after")).toBeUndefined(), { timeout: 2_000 });
    // b's subscription made before the outage is renewed on reconnect.
    await vi.waitFor(async () => {
      await a.publish("sessions.revoked", "s-1");
      expect(received).toContain("s-1");
    });
    expect(received).not.toContain("lost");
  });

  it("starts while Redis is down and connects once it is up", async () => {
    await redis.stop();
    const started = Date.now();
    const cache = await open(`late-${randomUUID()}`, 300);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(warnings()).toContain("redis not reachable at startup; cache runs without it until it is");
    expect(await cache.health()).toBe("unavailable");
    expect(await cache.get("anything")).toBeUndefined();
    await cache.set("k", "v", 60);

    await redis.start();
    await recovered(cache);
    await cache.set("k", "v", 60);
    expect(await cache.get("k")).toBe("v");
  });

  it("tells its listeners, once, when pub/sub is back after a loss and since when messages were missed", async () => {
    const cache = await open(`regained-${randomUUID()}`);
    const regained: Date[] = [];
    cache.onCoherenceRegained((lostAt) => void regained.push(lostAt));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(regained).toEqual([]);

    const stoppedAt = Date.now();
    await redis.stop();
    await vi.waitFor(async () => expect(await cache.health()).toBe("unavailable"), { timeout: 5_000 });
    await redis.start();
    await vi.waitFor(() => expect(regained).toHaveLength(1), { timeout: 5_000 });
    expect(regained[0]!.getTime()).toBeGreaterThanOrEqual(stoppedAt - 50);
    expect(regained[0]!.getTime()).toBeLessThanOrEqual(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(regained).toHaveLength(1);
  });
});

describe("reconnect back-off", () => {
  it("stays under half a second however long the outage, and is spread so a fleet does not retry in lockstep", () => {
    const delays = Array.from({ length: 1_000 }, (_, attempt) => reconnectDelayMs(attempt + 1));
    expect(Math.max(...delays)).toBeLessThanOrEqual(reconnectMaxDelayMs);
    expect(reconnectMaxDelayMs).toBeLessThanOrEqual(500);
    const late = delays.slice(100);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(reconnectMaxDelayMs / 2);
    expect(new Set(late).size).toBeGreaterThan(50);
  });
});
