import { describe, expect, it } from "vitest";
import { createConcurrencyLimit, hashPassword, randomToken, secretsEqual, sha256Hex, verifyAgainstDummy, verifyPassword } from "./crypto.js";

describe("password hashing", () => {
  it("stores argon2id with OWASP parameters and verifies only the right password", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain("correct horse");
    expect(await verifyPassword(stored, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(stored, "correct horse battery stapler")).toBe(false);
    expect(await verifyPassword("not a hash", "anything")).toBe(false);
  });

  it("spends a real verification on unknown accounts", async () => {
    const started = performance.now();
    expect(await verifyAgainstDummy("whatever-password")).toBe(false);
    expect(performance.now() - started).toBeGreaterThan(1);
  });
});

describe("the hashing concurrency limit", () => {
  it("runs at most `limit` pieces of work at once, the others in the order they came", async () => {
    const run = createConcurrencyLimit(2);
    let inFlight = 0;
    let mostInFlight = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const jobs = [0, 1, 2, 3, 4].map((index) =>
      run(async () => {
        started.push(index);
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight -= 1;
        return index;
      }),
    );
    while (started.length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    releases.forEach((release) => release());
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(mostInFlight).toBe(2);
  });

  it("frees the slot when the work fails", async () => {
    const run = createConcurrencyLimit(1);
    await expect(run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await run(async () => "next")).toBe("next");
  });
});

describe("secretsEqual", () => {
  it("is true only for the same secret, whatever the lengths", () => {
    expect(secretsEqual("a-service-token", "a-service-token")).toBe(true);
    expect(secretsEqual("a-service-token", "a-service-tokem")).toBe(false);
    expect(secretsEqual("short", "a much longer secret")).toBe(false);
  });
});

describe("opaque tokens", () => {
  it("are 256-bit random and stored as SHA-256", () => {
    const token = randomToken();
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(randomToken()).not.toBe(token);
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
