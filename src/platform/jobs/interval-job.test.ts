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

  it("gives each run an id of its own, which every line logged during the run carries as correlationId", async () => {
    vi.useFakeTimers();
    const lines: Record<string, unknown>[] = [];
    const serviceLogger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const runIds: string[] = [];
    const job = startIntervalJob("nightly", 1, async (runId) => {
      runIds.push(runId);
      await Promise.resolve();
      serviceLogger.child({ component: "somewhere" }).info("work done");
    }, logger);
    await vi.advanceTimersByTimeAsync(2_000);
    await job.stop();
    expect(runIds).toHaveLength(2);
    expect(runIds[0]).toMatch(/^nightly-[0-9a-f-]{36}$/);
    expect(runIds[1]).not.toBe(runIds[0]);
    expect(lines.map((line) => line.correlationId)).toEqual(runIds);
  });
});
