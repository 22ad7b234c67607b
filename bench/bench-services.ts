import { randomBytes } from "node:crypto";
import pg from "pg";
import { startPrivateRedis } from "../test/support/redis.js";
import { onCleanup } from "./cleanup.js";
import { makeTempDir } from "./temp-dir.js";

/** Where a bench server keeps its data: a database of its own and a Redis of its own, removed at cleanup. */
export interface BenchStorage {
  /** The server environment that points at them. */
  env: Record<string, string>;
  /** "PostgreSQL + Redis" or "PGlite + Redis", for the report. */
  description: string;
  redisUrl: string;
}

/**
 * A fresh database (on DATABASE_URL's server when set, else an embedded PGlite directory) and a private
 * `redis-server`, so the commands and statements the bench counts are the measured server's alone.
 */
export async function createBenchStorage(label: string): Promise<BenchStorage> {
  const redis = await startPrivateRedis();
  onCleanup(() => redis.dispose());
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await makeTempDir(`um-bench-${label}-`);
    return { env: { DATA_DIR: dataDir, REDIS_URL: redis.url }, description: "PGlite + Redis", redisUrl: redis.url };
  }
  const name = `um_bench_${label.replace(/[^a-z0-9]/g, "_")}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  onCleanup(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataDir = await makeTempDir(`um-bench-${label}-`);
  return {
    env: { DATABASE_URL: url.toString(), DATABASE_MIGRATE_ON_START: "true", REDIS_URL: redis.url, DATA_DIR: dataDir },
    description: "PostgreSQL + Redis",
    redisUrl: redis.url,
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
