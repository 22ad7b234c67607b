import { SpanStatusCode, trace, type Span } from "@opentelemetry/api";

/** The one tracer of the service; a no-op until src/platform/telemetry.ts registers an SDK. */
export const tracer = trace.getTracer("user-management");

/** Marks the span failed with the error (its type and message; the exporter is ours, not the client's). */
export function recordFailure(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : undefined });
}

/** Runs `work` in `span` (made active by the caller) and ends the span when its promise settles. */
export async function endWhenSettled<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
