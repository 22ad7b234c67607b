import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../logger.js";
import { startIntervalJob } from "./interval-job.js";

const logger = createLogger({ level: "silent" });

afterEach(() => {
  vi.useRealTimers();
});

describe("startIntervalJob", () => {
  it("runs on every tick, skips a tick while a run is still going, and stop waits for that run", async () => {
    vi.useFakeTimers();
    let runs = 0;
    let finish: (() => void) | undefined;
    const job = startIntervalJob("test", 10, () => {
      runs += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    }, logger);
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(runs).toBe(1);
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish!();
    await stopping;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(1);
  });

  it("keeps running after a failed run, and never runs with an interval of 0", async () => {
    vi.useFakeTimers();
    let runs = 0;
    const failing = startIntervalJob("test", 1, async () => {
      runs += 1;
      throw new Error("boom");
    }, logger);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(3);
    await failing.stop();
    const never = startIntervalJob("off", 0, async () => void (runs += 100), logger);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(3);
    await never.stop();
  });
});
