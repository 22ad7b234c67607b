import type { Logger } from "../../platform/logger";
import { runRetention, type RetentionDeps } from "./retention.service";

export interface RetentionJob {
  /** Stops the timer and waits for a run in progress, so the database can close after it. */
  stop(): Promise<void>;
}

/** Runs the retention every `intervalSeconds` (0: never) in this process; each run is advisory-locked. */
export function startRetentionJob(deps: RetentionDeps & { logger: Logger }, intervalSeconds: number): RetentionJob {
  if (intervalSeconds === 0) return { stop: async () => {} };
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = runRetention(deps)
      .then((result) => {
        if (result.ran) deps.logger.info({ job: "data-retention", ...result }, "retention deleted old sign-in records");
      })
      .catch((error: unknown) => deps.logger.error({ err: error, job: "data-retention" }, "retention run failed"))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
