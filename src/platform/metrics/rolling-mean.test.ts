import { describe, expect, it } from "vitest";
import { RollingMean } from "./rolling-mean.js";

describe("RollingMean", () => {
  it("averages what was recorded within the window and forgets older values slot by slot", () => {
    let now = 0;
    const mean = new RollingMean({ windowMs: 60_000, buckets: 6, now: () => now });
    expect(mean.mean()).toBeNull();
    mean.record(10);
    now = 25_000;
    mean.record(20);
    mean.record(30);
    expect(mean.mean()).toBe(20);
    now = 65_000;
    expect(mean.mean()).toBe(25);
    now = 95_000;
    expect(mean.mean()).toBeNull();
    mean.record(4);
    expect(mean.mean()).toBe(4);
  });
});
