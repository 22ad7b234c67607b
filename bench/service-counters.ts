import { Redis } from "ioredis";
import { scrape, valueOf } from "../test/support/metrics.js";

/** Commands a Redis server has executed since it started, the `INFO` calls that read the figure excluded. */
export async function redisCommandsExecuted(redis: Redis): Promise<number> {
  const stats = await redis.info("commandstats");
  let total = 0;
  for (const match of stats.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (match[1] !== "info") total += Number(match[2]);
  }
  return total;
}

/** From the server's own /metrics: SQL statements sent (`db_statements_total`) and major collections run (prom-client's GC histogram). */
export async function serverCounters(managementUrl: string): Promise<{ sqlStatements: number; majorCollections: number }> {
  const samples = await scrape(managementUrl);
  const sqlStatements = valueOf(samples, "db_statements_total");
  if (sqlStatements === undefined) throw new Error("the server's /metrics has no db_statements_total");
  return { sqlStatements, majorCollections: valueOf(samples, "nodejs_gc_duration_seconds_count", { kind: "major" }) ?? 0 };
}
