import autocannon from "autocannon";
import { createHistogram } from "node:perf_hooks";

export interface GraphQLLoad {
  /** Base URL of the server; requests go to POST /graphql. */
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** A response counts as correct only if this returns true for its body. */
  isCorrect(body: string): boolean;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead of after `durationSeconds`. */
  amount?: number;
  /** Total requests per second across connections; unset means as fast as the server answers. */
  overallRate?: number;
}

export interface LoadResult {
  /** Correct answers per second. */
  requestsPerSecond: number;
  correctResponses: number;
  /** Non-2xx, wrong bodies, socket errors and timeouts together. */
  failedResponses: number;
  p50Ms: number;
  p99Ms: number;
  durationSeconds: number;
  connections: number;
  overallRate: number | null;
}

/** One autocannon run; latency kept in microseconds here because autocannon's own histogram is whole milliseconds. */
export async function runLoad(load: GraphQLLoad, options: LoadOptions): Promise<LoadResult> {
  const latencyMicros = createHistogram();
  const instance = autocannon({
    url: `${load.url}/graphql`,
    method: "POST",
    headers: { "content-type": "application/json", ...load.headers },
    body: load.body,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.amount ? { amount: options.amount } : {}),
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    verifyBody: load.isCorrect,
  });
  instance.on("response", (_client: unknown, _statusCode: number, _bytes: number, responseTimeMs: number) => {
    latencyMicros.record(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  const result = await instance;
  const failedResponses = result.mismatches + result.errors + result.timeouts;
  const correctResponses = Math.max(0, result.requests.total - result.mismatches);
  return {
    requestsPerSecond: Math.round(correctResponses / result.duration),
    correctResponses,
    failedResponses,
    p50Ms: latencyMicros.percentile(50) / 1000,
    p99Ms: latencyMicros.percentile(99) / 1000,
    durationSeconds: result.duration,
    connections: options.connections,
    overallRate: options.overallRate ?? null,
  };
}
