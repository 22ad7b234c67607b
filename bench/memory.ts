import { randomBytes, randomUUID } from "node:crypto";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { migrateDatabase } from "../src/platform/db/database.js";
import { scrape, valueOf } from "../test/support/metrics.js";
import { createBenchDatabase } from "./scratch-database.js";
import { benchSigningKeys, passUsersThrough, seedUsers } from "./seeded-users.js";
import { startServerProcess, type ServerProcess } from "./server-process.js";
import { makeTempDir } from "./temp-dir.js";

export interface MemoryOptions {
  /** PostgreSQL server URL; the bench makes (and drops) a private database on it. */
  databaseUrl: string;
  /** Redis URL; the server gets a namespace of its own. */
  redisUrl: string;
  /** Distinct users, each with a company and a session, whose requests pass through the caches. */
  users?: number;
  connections?: number;
  /** How long to let the server settle before each reading. */
  settleMs?: number;
  /** The server's entry: `src/main.ts` under tsx, or compiled JavaScript as production runs it. */
  entry?: string;
  /** Environment the server starts with besides the bench's own: production's Node.js settings (`productionNodeEnv()`). */
  nodeEnv?: Record<string, string>;
}

export interface MemoryReading {
  /** Resident set as the kernel charges it, read before the collection (writing a snapshot inflates it). */
  rssMb: number;
  heapUsedMb: number;
  /** Each in-process cache's estimated bytes as charged against its bound (`cache_estimated_bytes`), MB. */
  cachesMb: Record<string, number>;
  /** Heap used after a full GC (what is live); after the load only, since the snapshot that collects inflates RSS. */
  liveHeapMb?: number;
}

export interface MemoryResult {
  entry: string;
  nodeEnv: Record<string, string>;
  users: number;
  idle: MemoryReading;
  afterUsers: MemoryReading;
  /** `me` requests per second while the users passed through. */
  requestsPerSecond: number;
  seedSeconds: number;
  loadSeconds: number;
}

/**
 * Resident memory and heap of a real server at idle, and after `users` distinct users' contexts and
 * sessions have passed through its caches: one `me` per user with a token of their own session, which
 * fills the verified-token cache, the session guard (session, membership, plan) and the user LRU.
 */
export async function measureMemory(options: MemoryOptions): Promise<MemoryResult> {
  const { databaseUrl, redisUrl, users = 100_000, connections = 32, settleMs = 5_000, entry = "src/main.ts", nodeEnv = {} } = options;
  const database = await createPrivateDatabase(databaseUrl);
  const { signingKeys, mintAccessToken } = await benchSigningKeys();

  const seedStarted = performance.now();
  const seeded = await seedUsers(database.url, users);
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  // A heap snapshot starts with a full GC: the readings count what is live, not garbage not yet collected.
  const snapshotDir = await makeTempDir("um-bench-memory-snapshots-");
  const server = await startServerProcess({
    name: "user-management server (memory)",
    entry,
    nodeArgs: ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshotDir}`],
    env: {
      ...nodeEnv,
      DATA_DIR: await makeTempDir("um-bench-memory-"),
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_NAMESPACE: `um-bench-memory-${randomUUID()}`,
      JWT_SIGNING_KEYS: signingKeys,
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "warn",
      SHUTDOWN_DRAIN_DELAY_MS: "0",
    },
  });
  try {
    await sleep(settleMs);
    const idle = await readMemory(server);

    const loadStarted = performance.now();
    await passUsersThrough([server.url], seeded, mintAccessToken, connections);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    await sleep(settleMs);
    const afterUsers = await readMemory(server, snapshotDir);
    return { entry, nodeEnv, users, idle, afterUsers, requestsPerSecond: Math.round(users / loadSeconds), seedSeconds: round(seedSeconds), loadSeconds: round(loadSeconds) };
  } finally {
    await server.stop();
  }
}

/** A migrated database of its own, dropped at cleanup. */
async function createPrivateDatabase(serverUrl: string): Promise<{ url: string }> {
  const url = await createBenchDatabase(serverUrl);
  await migrateDatabase({ kind: "postgres", url, schema: undefined, poolSize: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 });
  return { url };
}

/** RSS from /proc and heap used from the server's metrics; then the live heap after a full GC (a heap snapshot, then removed). */
async function readMemory(server: ServerProcess, snapshotDir?: string): Promise<MemoryReading> {
  const status = await readFile(`/proc/${server.pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  const samples = await scrape(server.managementUrl);
  const heapUsed = valueOf(samples, "nodejs_heap_size_used_bytes") ?? Number.NaN;
  const cachesMb = Object.fromEntries(samples.filter((sample) => sample.name === "cache_estimated_bytes").map((sample) => [sample.labels.cache!, round(sample.value / 1024 / 1024)]));
  const reading = { rssMb: round(rssKb / 1024), heapUsedMb: round(heapUsed / 1024 / 1024), cachesMb };
  if (!snapshotDir) return reading;
  await collectGarbage(server, snapshotDir);
  const live = valueOf(await scrape(server.managementUrl), "nodejs_heap_size_used_bytes") ?? Number.NaN;
  return { ...reading, liveHeapMb: round(live / 1024 / 1024) };
}

async function collectGarbage(server: ServerProcess, snapshotDir: string): Promise<void> {
  process.kill(server.pid, "SIGUSR2");
  const deadline = Date.now() + 60_000;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await sleep(500);
    const file = (await readdir(snapshotDir)).find((name) => name.endsWith(".heapsnapshot"));
    if (!file) continue;
    // Written in one go by the main thread: once its size stops changing the server is serving again.
    const { size } = await stat(`${snapshotDir}/${file}`);
    if (size > 0 && size === lastSize) {
      await rm(`${snapshotDir}/${file}`);
      await sleep(1_000);
      return;
    }
    lastSize = size;
  }
  throw new Error("the server wrote no heap snapshot within 60 s");
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
