import { startIntervalJob, type IntervalJob } from "../../platform/jobs/interval-job.js";
import type { Logger } from "../../platform/logger.js";
import { runSubscriptionRollover, type RolloverSettings } from "./rollover.js";
import type { SubscriptionsDeps } from "./subscriptions.service.js";

/** Runs the rollover every `intervalSeconds` (0: never) in this process; each subscription is locked while handled. */
export function startSubscriptionRolloverJob(deps: SubscriptionsDeps, settings: RolloverSettings & { intervalSeconds: number }, logger: Logger): IntervalJob {
  return startIntervalJob(
    "subscription-rollover",
    settings.intervalSeconds,
    async (runId) => {
      const report = await runSubscriptionRollover(deps, settings, undefined, runId);
      if (report.renewed + report.movedToFree + report.pastDue + report.expired > 0) logger.info({ job: "subscription-rollover", report }, "subscription periods rolled over");
    },
    logger,
  );
}
