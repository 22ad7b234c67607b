import { afterEach, describe, expect, it, vi } from "vitest";
import { gracefulShutdown, type ShutdownStep } from "./graceful-shutdown.js";
import { createLogger } from "./logger.js";

const logger = createLogger({ level: "silent" });

afterEach(() => {
  vi.useRealTimers();
});

function recorder(steps: (events: string[]) => ShutdownStep[], timing = { drainDelayMs: 5_000, timeoutMs: 10_000 }) {
  const events: string[] = [];
  const exits: number[] = [];
  const shutdown = gracefulShutdown({
    logger,
    ...timing,
    startDraining: () => events.push("draining"),
    steps: steps(events),
    exit: (code) => exits.push(code),
  });
  return { events, exits, shutdown };
}

const recordedStep = (name: string) => (events: string[]) => ({ name, close: async () => void events.push(name) });

describe("gracefulShutdown", () => {
  it("drains at once, runs the steps in order only after the drain delay, then exits 0", async () => {
    vi.useFakeTimers();
    const { events, exits, shutdown } = recorder((events) => [recordedStep("http")(events), recordedStep("dependencies")(events)]);
    void shutdown("SIGTERM");
    expect(events).toEqual(["draining"]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(events).toEqual(["draining"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual(["draining", "http", "dependencies"]);
    expect(exits).toEqual([0]);
  });

  it("a second signal during the drain ends it at once; a third changes nothing", async () => {
    vi.useFakeTimers();
    const { events, exits, shutdown } = recorder((events) => [recordedStep("http")(events)]);
    void shutdown("SIGTERM");
    await vi.advanceTimersByTimeAsync(1_000);
    await shutdown("SIGINT");
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(["draining", "http"]);
    await shutdown("SIGTERM");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events).toEqual(["draining", "http"]);
    expect(exits).toEqual([0]);
  });

  it("runs the remaining steps after one fails, and exits 1", async () => {
    vi.useFakeTimers();
    const { events, exits, shutdown } = recorder((events) => [
      { name: "http", close: async () => Promise.reject(new Error("close failed")) },
      recordedStep("dependencies")(events),
    ]);
    void shutdown("SIGTERM");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toEqual(["draining", "dependencies"]);
    expect(exits).toEqual([1]);
  });

  it("exits 1 when the steps outlast the timeout, counted from the end of the drain delay", async () => {
    vi.useFakeTimers();
    let finishRequests: (() => void) | undefined;
    const { exits, shutdown } = recorder(() => [{ name: "http", close: () => new Promise<void>((resolve) => (finishRequests = resolve)) }]);
    void shutdown("SIGTERM");
    await vi.advanceTimersByTimeAsync(5_000 + 9_999);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([1]);
    finishRequests!();
    await vi.advanceTimersByTimeAsync(0);
    expect(exits).toEqual([1]);
  });
});
