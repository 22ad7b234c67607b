import { describe, expect, it } from "vitest";
import { cachedValue } from "./cached-value.js";

describe("cachedValue", () => {
  it("computes once for concurrent callers, reuses the value for the TTL, then computes again", async () => {
    let now = 0;
    let computations = 0;
    const read = cachedValue(5_000, async () => ++computations, () => now);
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    now = 4_999;
    expect(await read()).toBe(1);
    now = 5_000;
    expect(await read()).toBe(2);
  });

  it("passes a failure on without keeping it", async () => {
    let fail = true;
    const read = cachedValue(60_000, async () => {
      if (fail) throw new Error("database down");
      return "figures";
    });
    await expect(read()).rejects.toThrow("database down");
    fail = false;
    expect(await read()).toBe("figures");
  });
});
