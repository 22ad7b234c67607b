import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { createRateLimiter, RateLimitedAction, type RateLimiter, type RateLimitSettings } from "./rate-limit.js";

const redisUrl = process.env.REDIS_URL;
const logger = createLogger({ level: "silent" });
const settings = Object.fromEntries(RateLimitedAction.map((action) => [action, {}])) as RateLimitSettings;
settings.login = { perIp: { points: 2, durationSeconds: 60 } };

const opened: RateLimiter[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
});

describe.runIf(redisUrl)("rate limiter on Redis (REDIS_URL)", () => {
  it("counts a replica's first attempts, made before its Redis connection is up, where every replica sees them", async () => {
    const namespace = `rl-test-${randomUUID()}`;
    const starting = createRateLimiter({ settings, redisUrl, namespace, logger });
    opened.push(starting);
    await starting.consume("login", { ip: "198.51.100.7" });
    await starting.consume("login", { ip: "198.51.100.7" });

    const other = createRateLimiter({ settings, redisUrl, namespace, logger });
    opened.push(other);
    await expect(other.consume("login", { ip: "198.51.100.7" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(other.consume("login", { ip: "198.51.100.8" })).resolves.toBeUndefined();
  });
});
