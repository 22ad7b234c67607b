import type { Logger } from "../../platform/logger";
import { runSubscriptionRollover, type RolloverSettings } from "./rollover";
import type { SubscriptionsDeps } from "./subscriptions.service";

/** Runs the rollover every `intervalSeconds` in this process (0: never); a run still going skips the next tick. Returns stop. */
export function startSubscriptionRolloverJob(deps: SubscriptionsDeps, settings: RolloverSettings & { intervalSeconds: number }, logger: Logger): () => Promise<void> {
  if (settings.intervalSeconds === 0) return async () => undefined;
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = runSubscriptionRollover(deps, settings)
      .then((report) => {
        if (report.renewed + report.movedToFree + report.pastDue + report.expired > 0) logger.info({ report }, "subscription periods rolled over");
      })
      .catch((error: unknown) => logger.error({ err: error }, "subscription rollover run failed"))
      .finally(() => {
        running = undefined;
      });
  }, settings.intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
