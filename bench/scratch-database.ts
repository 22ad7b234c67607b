import { randomBytes } from "node:crypto";
import { withServer } from "../test/support/database.js";
import { onCleanup } from "./cleanup.js";

/** A new empty `um_bench_<random>` database on the DATABASE_URL server (the server migrates it on start), dropped at cleanup. */
export async function createBenchDatabase(serverUrl: string): Promise<string> {
  const name = `um_bench_${randomBytes(6).toString("hex")}`;
  await withServer(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  onCleanup(() => withServer(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** DATABASE_URL and REDIS_URL from the environment; throws naming the missing one. */
export function realServices(): { databaseUrl: string; redisUrl: string } {
  const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = process.env;
  if (!databaseUrl || !redisUrl) throw new Error("DATABASE_URL and REDIS_URL must point at PostgreSQL and Redis");
  return { databaseUrl, redisUrl };
}
