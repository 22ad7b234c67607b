import { startIntervalJob, type IntervalJob } from "../../platform/jobs/interval-job.js";
import type { Logger } from "../../platform/logger.js";
import { runRetention, type RetentionDeps } from "./retention.service.js";

/** Runs the retention every `intervalSeconds` (0: never) in this process; each run is advisory-locked. */
export function startRetentionJob(deps: RetentionDeps & { logger: Logger }, intervalSeconds: number): IntervalJob {
  return startIntervalJob(
    "data-retention",
    intervalSeconds,
    async () => {
      const result = await runRetention(deps);
      if (result.ran) deps.logger.info({ job: "data-retention", ...result }, "retention deleted old sign-in records");
    },
    deps.logger,
  );
}
