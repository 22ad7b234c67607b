import { createHistogram } from "node:perf_hooks";

export interface LoopResult {
  operations: number;
  opsPerSecond: number;
  p50Micros: number;
  p99Micros: number;
}

/**
 * Runs `operation` back to back (awaiting each) for `durationMs` after a short warm-up, timing every call.
 * The per-call clock reads cost well under a microsecond and are included in ops/s.
 */
export async function measureLoop(durationMs: number, operation: (index: number) => unknown): Promise<LoopResult> {
  await runFor(Math.min(500, durationMs / 4), operation, () => undefined);
  const latencyNanos = createHistogram();
  const { operations, elapsedNs } = await runFor(durationMs, operation, (ns) => latencyNanos.record(Math.max(1, ns)));
  return {
    operations,
    opsPerSecond: Math.round(operations / (elapsedNs / 1e9)),
    p50Micros: latencyNanos.percentile(50) / 1000,
    p99Micros: latencyNanos.percentile(99) / 1000,
  };
}

async function runFor(durationMs: number, operation: (index: number) => unknown, record: (ns: number) => void) {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(durationMs * 1e6));
  let operations = 0;
  let now = start;
  while (now < end) {
    const before = now;
    await operation(operations);
    now = process.hrtime.bigint();
    record(Number(now - before));
    operations += 1;
  }
  return { operations, elapsedNs: Number(now - start) };
}
