import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { PrismaPGlite } from "pglite-prisma-adapter";
import type { Config } from "../../config.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { traceQueries } from "../tracing/database-spans.js";
import { applyMigrations, pendingMigrations, readMigrations } from "./migrations.js";
import { pgExecutor, pgliteExecutor } from "./sql-executor.js";

export type QueryListener = (sql: string, durationMs: number) => void;

/** Connections of the pool right now, and queries waiting for one. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  /** Runs `SELECT 1`; rejects when the database cannot answer. */
  ping(): Promise<void>;
  /** Disconnects Prisma and closes the pool or the embedded database; safe to call twice. */
  close(): Promise<void>;
  /** Calls `listener` with every SQL statement Prisma sends; returns the unsubscribe function. */
  onQuery(listener: QueryListener): () => void;
  /** PGlite is one connection, reported idle: it queues queries inside itself, out of sight. */
  poolStats(): PoolStats;
}

type Settings = Config["database"];

/**
 * Opens the configured database: PostgreSQL through a `pg` pool of `poolSize`, or the embedded PGlite
 * persisted in `directory`. The embedded database is always migrated; PostgreSQL when `migrate` is set.
 * With `traced`, every Prisma operation runs in a span.
 */
export async function openDatabase(settings: Settings, options: { logger: Logger; migrate?: boolean; traced?: boolean }): Promise<Database> {
  const { logger } = options;
  if (settings.kind === "postgres") {
    if (options.migrate) await migrateDatabase(settings, { logger });
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.poolSize,
      options: searchPath(settings),
      // A request fails as SERVICE_UNAVAILABLE past these instead of waiting on a server that does not answer.
      connectionTimeoutMillis: settings.connectTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
    });
    pool.on("error", (error) => logger.warn({ err: error }, "idle database connection failed"));
    const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    return createPrismaDatabase("postgres", new PrismaPg(pool, { schema: settings.schema, statementNameGenerator: preparedStatementName as (query: { sql: string }) => string }), () => pool.end(), poolStats, options);
  }
  // Loaded only here: with DATABASE_URL set, PGlite's code never enters the process.
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const embedded = await openEmbedded(settings.directory);
  try {
    await applyMigrations(pgliteExecutor(embedded), await readMigrations(), { logger });
  } catch (error) {
    await embedded.close();
    throw error;
  }
  return createPrismaDatabase("pglite", new PrismaPGlite(embedded), () => embedded.close(), () => ({ total: 1, idle: 1, waiting: 0 }), options);
}

/**
 * A statement whose text starts with `/* prepared *\/` is prepared once per connection and its plan reused
 * (a rotation's planning cost more than its execution); only those few fixed texts, so the cache stays small.
 * The adapter passes the name to pg as it is: undefined leaves the statement unnamed, as without a generator.
 */
function preparedStatementName(query: { sql: string }): string | undefined {
  if (!query.sql.startsWith(preparedMarker)) return undefined;
  let name = preparedNames.get(query.sql);
  if (!name) preparedNames.set(query.sql, (name = `p_${createHash("sha256").update(query.sql).digest("hex").slice(0, 24)}`));
  return name;
}

// Named once per marked text: there are only a few, and each refresh presents two.
const preparedNames = new Map<string, string>();

const preparedMarker = "/* prepared */";

/** Applies the pending migrations to the configured database, then disconnects; returns the names applied. */
export async function migrateDatabase(settings: Settings, options: { logger?: Logger } = {}): Promise<string[]> {
  const migrations = await readMigrations();
  if (settings.kind === "postgres") {
    const client = new pg.Client({ connectionString: settings.url, options: searchPath(settings) });
    await client.connect();
    try {
      if (settings.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${settings.schema}"`);
      return await applyMigrations(pgExecutor(client), migrations, options);
    } finally {
      await client.end();
    }
  }
  const embedded = await openEmbedded(settings.directory);
  try {
    return await applyMigrations(pgliteExecutor(embedded), migrations, options);
  } finally {
    await embedded.close();
  }
}

/** Refuses to go on while PostgreSQL lacks a migration of this code, i.e. the migration command has not run yet. */
export async function requireMigrated(settings: Settings): Promise<void> {
  if (settings.kind !== "postgres") return;
  const client = new pg.Client({ connectionString: settings.url, options: searchPath(settings) });
  await client.connect();
  let pending: string[];
  try {
    pending = await pendingMigrations(pgExecutor(client), await readMigrations());
  } finally {
    await client.end();
  }
  if (pending.length > 0) {
    throw new Error(
      `The database lacks ${pending.length} migration(s) (${pending.join(", ")}): run the migration command ` +
        "(node dist/platform/db/migrate.cli.js, npm run db:migrate) first, or set DATABASE_MIGRATE_ON_START=true",
    );
  }
}

// Raw SQL and the migrations then land in the configured schema, as Prisma's own queries do.
function searchPath(settings: { schema?: string }): string | undefined {
  return settings.schema ? `-c search_path=${settings.schema}` : undefined;
}

async function openEmbedded(directory: string): Promise<PGlite> {
  await mkdir(directory, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  return PGlite.create({ dataDir: directory });
}

function createPrismaDatabase(
  kind: Database["kind"],
  adapter: PrismaPg | PrismaPGlite,
  closeDriver: () => Promise<void>,
  poolStats: () => PoolStats,
  { logger, traced }: { logger: Logger; traced?: boolean },
): Database {
  const prisma = new PrismaClient({
    adapter,
    log: [
      { emit: "event", level: "query" },
      { emit: "event", level: "warn" },
    ],
  });
  const listeners = new Set<QueryListener>();
  prisma.$on("query", (event) => {
    for (const listener of listeners) listener(event.query, event.duration);
  });
  prisma.$on("warn", (event) => logger.warn({ target: event.target }, event.message));
  let closing: Promise<void> | undefined;
  return {
    kind,
    prisma: traced ? traceQueries(prisma) : prisma,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close() {
      closing ??= prisma.$disconnect().finally(closeDriver);
      return closing;
    },
    onQuery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    poolStats,
  };
}
