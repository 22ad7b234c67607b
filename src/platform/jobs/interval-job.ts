import type { Logger } from "../logger.js";

export interface IntervalJob {
  /** Stops the timer and waits for a run in progress, so the database can close after it. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalSeconds` in this process (0: never); a run still going when the next tick comes
 * skips that tick. Failures are logged, never thrown. The job keeps no process alive on its own.
 */
export function startIntervalJob(name: string, intervalSeconds: number, run: () => Promise<void>, logger: Logger): IntervalJob {
  if (intervalSeconds === 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .catch((error: unknown) => logger.error({ err: error, job: name }, "scheduled job failed"))
      .finally(() => {
        running = undefined;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
