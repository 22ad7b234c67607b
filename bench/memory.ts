import { randomBytes, randomUUID } from "node:crypto";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { migrateDatabase } from "../src/platform/db/database.js";
import { permissionsOf } from "../src/permissions/roles.js";
import { createKeyRing, createTokenService, generateSigningKey } from "../src/platform/tokens/index.js";
import { configuredKeyStore } from "../src/platform/tokens/key-store.js";
import { scrape, valueOf } from "../test/support/metrics.js";
import { createBenchDatabase } from "./scratch-database.js";
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

const meQuery = JSON.stringify({ query: "{ me { id fullName } }" });

/**
 * Resident memory and heap of a real server at idle, and after `users` distinct users' contexts and
 * sessions have passed through its caches: one `me` per user with a token of their own session, which
 * fills the verified-token cache, the session guard (session, membership, plan) and the user LRU.
 */
export async function measureMemory(options: MemoryOptions): Promise<MemoryResult> {
  const { databaseUrl, redisUrl, users = 100_000, connections = 32, settleMs = 5_000, entry = "src/main.ts", nodeEnv = {} } = options;
  const database = await createPrivateDatabase(databaseUrl);
  const signingKey = await generateSigningKey(Date.now() - 60_000);
  const signingKeys = JSON.stringify([{ kid: signingKey.kid, ...signingKey.jwk }]);

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

    const ring = await createKeyRing({ store: configuredKeyStore(signingKeys), accessTokenTtlSeconds: 3600 });
    const tokens = createTokenService({ keys: ring, issuer: "urn:trading-platform:user-management", audience: "urn:trading-platform", accessTokenTtlSeconds: 3600 });
    const loadStarted = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < seeded.length) {
        const user = seeded[next++]!;
        const { token } = await tokens.issueAccessToken({ ...user, role: "OWNER", permissions: permissionsOf("OWNER"), tier: "FREE" });
        const response = await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: meQuery,
        });
        const text = await response.text();
        if (!text.includes(user.userId)) throw new Error(`me for a seeded user failed (${response.status}): ${text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    await sleep(settleMs);
    const afterUsers = await readMemory(server, snapshotDir);
    return { entry, nodeEnv, users, idle, afterUsers, requestsPerSecond: Math.round(users / loadSeconds), seedSeconds: round(seedSeconds), loadSeconds: round(loadSeconds) };
  } finally {
    await server.stop();
  }
}

interface SeededUser {
  userId: string;
  companyId: string;
  sessionId: string;
}

/** Users, their INDIVIDUAL companies (OWNER, FREE) and one live session each, in a few set-based statements. */
async function seedUsers(url: string, count: number): Promise<SeededUser[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `CREATE TEMP TABLE seed ON COMMIT DROP AS
         SELECT n, gen_random_uuid() AS user_id, gen_random_uuid() AS company_id, gen_random_uuid() AS session_id
         FROM generate_series(1, $1::int) AS n`,
      [count],
    );
    await client.query(
      `INSERT INTO users (id, email, full_name, status, verification_status, updated_at)
         SELECT user_id, 'memory-' || n || '@bench.example', 'Bench User ' || n, 'ACTIVE', 'VERIFIED', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO companies (id, name, slug, type, updated_at) SELECT company_id, 'Bench ' || n, 'bench-' || n, 'INDIVIDUAL', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO memberships (id, user_id, company_id, role, updated_at) SELECT gen_random_uuid(), user_id, company_id, 'OWNER', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO subscriptions (id, company_id, tier, current_period_start, current_period_end, updated_at)
         SELECT gen_random_uuid(), company_id, 'FREE', now(), now() + interval '30 days', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO sessions (id, user_id, active_company_id, idle_expires_at, absolute_expires_at)
         SELECT session_id, user_id, company_id, now() + interval '1 day', now() + interval '1 day' FROM seed`,
    );
    const { rows } = await client.query<{ user_id: string; company_id: string; session_id: string }>(
      "SELECT user_id, company_id, session_id FROM seed ORDER BY n",
    );
    await client.query("COMMIT");
    return rows.map((row) => ({ userId: row.user_id, companyId: row.company_id, sessionId: row.session_id }));
  } finally {
    await client.end();
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
