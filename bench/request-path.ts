import type { Redis } from "ioredis";
import { type GraphQLLoad, runLoad } from "./http-load.js";
import { processCpuNanos } from "./process-cpu.js";
import type { RequestShape } from "./request-shapes.js";
import type { ServerProcess } from "./server-process.js";
import { redisCommandsExecuted, serverCounters } from "./service-counters.js";

export interface RequestPathPlan {
  /** CPU rounds per side; each side's least is its cost, since a busy neighbour only ever adds. */
  rounds: number;
  roundConnections: number;
  /** Interleaved saturation windows per side; the throughput is each side's median. */
  pairs: number;
  pairSeconds: number;
  saturationConnections: number;
  fixedRateWindows: number;
  fixedRateSeconds: number;
  fixedRateConnections: number;
}

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
}

export interface ShapeResult {
  name: string;
  cpuMicrosPerRequest: { ours: number; bare: number; oursMedian: number; bareMedian: number };
  /** Bare's least CPU per request ÷ ours: 1 is as cheap as a server that does nothing. */
  cpuEfficiency: number;
  /**
   * Bare ÷ ours within each round (the two sides measured back to back, so under the same neighbours):
   * the median and the quartiles, which show how finely this run can tell two builds apart.
   */
  cpuEfficiencyPaired: { median: number; lowerQuartile: number; upperQuartile: number };
  throughput: { ours: number; bare: number; ratio: number; pairRatios: number[] };
  fixedRate: { requestsPerSecond: number; ours: LatencyFigures; bare: LatencyFigures; p99Ratio: number };
  perRequest: { redisCommands: number; sqlStatements: number };
  /** Ours' mark-compact collections per 10,000 requests over the CPU rounds: objects that should die young reaching the old generation show here. */
  majorCollectionsPer10k: number;
  failedResponses: number;
}

export interface Servers {
  ours: ServerProcess;
  bare: ServerProcess;
  /** The private Redis ours uses, to count its commands; null when ours runs without Redis. */
  redis: Redis | null;
}

/** CPU per request, throughput and latency at a fixed rate of one shape, ours beside bare, rounds alternating. */
export async function measureShape(shape: RequestShape, servers: Servers, plan: RequestPathPlan): Promise<ShapeResult> {
  let failedResponses = 0;
  const run = async (load: GraphQLLoad, options: Parameters<typeof runLoad>[1]) => {
    const result = await runLoad(load, options);
    failedResponses += result.failedResponses;
    return result;
  };
  const sides = [
    { load: shape.ours, server: servers.ours },
    { load: shape.bare, server: servers.bare },
  ] as const;
  for (const side of sides) await run(side.load, { connections: plan.roundConnections, durationSeconds: 1, amount: shape.requestsPerRound });

  const cpu: [number[], number[]] = [[], []];
  const counted = { requests: 0, redisCommands: 0, sqlStatements: 0, majorCollections: 0 };
  for (let round = 0; round < plan.rounds; round++) {
    for (const index of round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
      const { load, server } = sides[index]!;
      const countersBefore = index === 0 ? await countersOf(servers) : undefined;
      const before = await processCpuNanos(server.pid);
      const result = await run(load, { connections: plan.roundConnections, durationSeconds: 60, amount: shape.requestsPerRound });
      const after = await processCpuNanos(server.pid);
      cpu[index].push((after - before) / 1000 / Math.max(1, result.correctResponses));
      if (countersBefore) {
        const countersAfter = await countersOf(servers);
        counted.requests += result.correctResponses;
        counted.redisCommands += countersAfter.redisCommands - countersBefore.redisCommands;
        counted.sqlStatements += countersAfter.sqlStatements - countersBefore.sqlStatements;
        counted.majorCollections += countersAfter.majorCollections - countersBefore.majorCollections;
      }
    }
  }

  const saturation: [number[], number[]] = [[], []];
  for (let pair = 0; pair < plan.pairs; pair++) {
    for (const index of pair % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
      const result = await run(sides[index]!.load, { connections: plan.saturationConnections, durationSeconds: plan.pairSeconds });
      saturation[index].push(result.requestsPerSecond);
    }
  }
  const pairRatios = saturation[0].map((ours, index) => round3(ours / Math.max(1, saturation[1][index]!)));

  // Above what ours sustains, a fixed-rate run measures its queue, not its latency.
  const requestsPerSecond = Math.max(5, Math.min(shape.preferredFixedRate, Math.floor(median(saturation[0]) / 2)));
  const latency: [LatencyFigures[], LatencyFigures[]] = [[], []];
  for (let window = 0; window < plan.fixedRateWindows; window++) {
    for (const index of window % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
      const result = await run(sides[index]!.load, { connections: plan.fixedRateConnections, durationSeconds: plan.fixedRateSeconds, overallRate: requestsPerSecond });
      latency[index].push({ p50Ms: result.p50Ms, p99Ms: result.p99Ms });
    }
  }
  const oursLatency = medianLatency(latency[0]);
  const bareLatency = medianLatency(latency[1]);
  const oursCpu = Math.min(...cpu[0]);
  const bareCpu = Math.min(...cpu[1]);
  return {
    name: shape.name,
    cpuMicrosPerRequest: { ours: round1(oursCpu), bare: round1(bareCpu), oursMedian: round1(median(cpu[0])), bareMedian: round1(median(cpu[1])) },
    cpuEfficiency: round3(bareCpu / oursCpu),
    cpuEfficiencyPaired: quartilesOf(cpu[0].map((ours, index) => cpu[1][index]! / ours)),
    throughput: { ours: median(saturation[0]), bare: median(saturation[1]), ratio: round3(median(pairRatios)), pairRatios },
    fixedRate: { requestsPerSecond, ours: oursLatency, bare: bareLatency, p99Ratio: round3(oursLatency.p99Ms / Math.max(0.001, bareLatency.p99Ms)) },
    perRequest: {
      redisCommands: round3(counted.redisCommands / Math.max(1, counted.requests)),
      sqlStatements: round3(counted.sqlStatements / Math.max(1, counted.requests)),
    },
    majorCollectionsPer10k: round1((counted.majorCollections * 10_000) / Math.max(1, counted.requests)),
    failedResponses,
  };
}

async function countersOf(servers: Servers) {
  const [redisCommands, { sqlStatements, majorCollections }] = await Promise.all([
    servers.redis ? redisCommandsExecuted(servers.redis) : 0,
    serverCounters(servers.ours.managementUrl),
  ]);
  return { redisCommands, sqlStatements, majorCollections };
}

function medianLatency(windows: LatencyFigures[]): LatencyFigures {
  return { p50Ms: round3(median(windows.map((w) => w.p50Ms))), p99Ms: round3(median(windows.map((w) => w.p99Ms))) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median and quartiles (nearest rank), rounded to three places. */
function quartilesOf(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => round3(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!);
  return { median: round3(median(values)), lowerQuartile: at(0.25), upperQuartile: at(0.75) };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;
