import { Redis } from "ioredis";

/** Commands a Redis server has executed since it started, the `INFO` calls that read the figure excluded. */
export async function redisCommandsExecuted(redis: Redis): Promise<number> {
  const stats = await redis.info("commandstats");
  let total = 0;
  for (const match of stats.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (match[1] !== "info") total += Number(match[2]);
  }
  return total;
}

/** SQL statements the server has sent to its database (its `db_statements_total` counter). */
export async function sqlStatementsSent(managementUrl: string): Promise<number> {
  const text = await (await fetch(`${managementUrl}/metrics`)).text();
  const match = /^db_statements_total (\d+(?:\.\d+)?)$/m.exec(text);
  if (!match) throw new Error("the server's /metrics has no db_statements_total");
  return Number(match[1]);
}
