import { startPrivateRedis } from "../test/support/redis.js";
import { onCleanup } from "./cleanup.js";
import { createBenchDatabase } from "./scratch-database.js";
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
  const url = await createBenchDatabase(serverUrl);
  const dataDir = await makeTempDir(`um-bench-${label}-`);
  return {
    env: { DATABASE_URL: url, DATABASE_MIGRATE_ON_START: "true", REDIS_URL: redis.url, DATA_DIR: dataDir },
    description: "PostgreSQL + Redis",
    redisUrl: redis.url,
  };
}

/** The environment of a server opened inside the bench's own process: the embedded database in `dataDir`, no Redis. */
export function embeddedEnvironment(dataDir: string): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: undefined, REDIS_URL: undefined, DATA_DIR: dataDir, LOG_LEVEL: "error" };
}
