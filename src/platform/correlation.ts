import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** What a request or a job run carries through its async calls: the id its log lines are tagged with. */
interface CorrelationScope {
  correlationId: string;
}

const scope = new AsyncLocalStorage<CorrelationScope>();

/** The correlation id of the request or job run under way, if any. */
export function currentCorrelationId(): string | undefined {
  return scope.getStore()?.correlationId;
}

/** Runs `work` with `correlationId` as the current one (log lines written meanwhile carry it). */
export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return scope.run({ correlationId }, work);
}

/** The correlation id of one run of a scheduled job or command: `<job>-<uuid>`. */
export function jobRunId(job: string): string {
  return `${job}-${randomUUID()}`;
}
