import { jobRunId, withCorrelationId } from "../correlation.js";
import type { Logger } from "../logger.js";
import { endWhenSettled, tracer } from "../tracing/spans.js";

export interface IntervalJob {
  /** Stops the timer and waits for a run in progress, so the database can close after it. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalSeconds` in this process (0: never); a run still going when the next tick comes
 * skips that tick. Failures are logged, never thrown. The job keeps no process alive on its own. Each run
 * gets an id (`<name>-<uuid>`) that its log lines carry as `correlationId`, and a span `job <name>` when tracing.
 */
export function startIntervalJob(name: string, intervalSeconds: number, run: (runId: string) => Promise<void>, logger: Logger): IntervalJob {
  if (intervalSeconds === 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    const runId = jobRunId(name);
    running = withCorrelationId(runId, () =>
      tracer
        .startActiveSpan(`job ${name}`, { attributes: { "job.name": name, "correlation.id": runId } }, (span) => endWhenSettled(span, () => run(runId)))
        .catch((error: unknown) => logger.error({ err: error, job: name }, "scheduled job failed"))
        .finally(() => {
          running = undefined;
        }),
    );
  }, intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
