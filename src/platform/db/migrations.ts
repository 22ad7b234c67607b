import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../logger.js";
import type { SqlExecutor } from "./sql-executor.js";

/** `prisma/migrations` of this project. */
export const migrationsDirectory = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

/** Prisma Migrate's own advisory lock key, so this runner and `prisma migrate deploy` never run at once. */
const migrateLockKey = 72707369;

/** The table exactly as Prisma Migrate creates it on PostgreSQL, so its tools read our history. */
const migrationsTableDdl = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** One `<timestamp>_<name>/migration.sql` folder. */
export interface Migration {
  name: string;
  sql: string;
}

interface RecordedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  started_at: Date;
  logs: string | null;
}

/** A migration could not be applied, or the recorded history forbids migrating; names the migration. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migrationName: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** Prisma Migrate's checksum of a migration: the hex SHA-256 of the migration.sql text. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Whether a recorded checksum belongs to this script; like Prisma, either line ending is accepted. */
export function checksumMatches(sql: string, checksum: string): boolean {
  const variants = [sql, sql.replaceAll("\r\n", "\n"), sql.replaceAll("\n", "\r\n")];
  return variants.some((variant) => migrationChecksum(variant) === checksum);
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** Reads the migration folders of `directory` in name order (none when the directory does not exist). */
export async function readMigrations(directory: string = migrationsDirectory): Promise<Migration[]> {
  const lockfile = await readFile(path.join(directory, "migration_lock.toml"), "utf8").catch(() => null);
  const provider = lockfile?.match(/^provider\s*=\s*"([^"]*)"/m)?.[1];
  if (lockfile !== null && provider !== "postgresql") {
    throw new Error(`${directory}/migration_lock.toml names provider "${provider}", expected "postgresql"`);
  }
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const migrations: Migration[] = [];
  for (const entry of entries.filter((candidate) => candidate.isDirectory())) {
    const file = path.join(directory, entry.name, "migration.sql");
    const sql = await readFile(file, "utf8").catch(() => {
      throw new Error(`Migration folder ${entry.name} has no readable migration.sql (${file})`);
    });
    migrations.push({ name: entry.name, sql });
  }
  return migrations.sort(byName);
}

/**
 * Applies the migrations not yet recorded in `_prisma_migrations`, in name order, one transaction each,
 * under Prisma Migrate's advisory lock. Refuses to start when the recorded history and `migrations`
 * disagree. Returns the names it applied.
 */
export async function applyMigrations(
  executor: SqlExecutor,
  migrations: Migration[],
  options: { logger?: Logger } = {},
): Promise<string[]> {
  await executor.query("SELECT pg_advisory_lock($1)", [migrateLockKey]);
  try {
    const [table] = await executor.query<{ exists: boolean }>(
      "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists",
    );
    if (!table?.exists) await executor.exec(migrationsTableDdl);
    const recorded = await executor.query<RecordedMigration>(
      `SELECT migration_name, checksum, finished_at, started_at, logs FROM _prisma_migrations
       WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    checkHistory(recorded, migrations);
    const pending = migrations.filter((migration) => !recorded.some((row) => row.migration_name === migration.name));
    const applied: string[] = [];
    for (const migration of pending.sort(byName)) {
      const startedAt = Date.now();
      await applyMigration(executor, migration);
      options.logger?.info({ migration: migration.name, durationMs: Date.now() - startedAt }, "applied migration");
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await executor.query("SELECT pg_advisory_unlock($1)", [migrateLockKey]);
  }
}

/** Names of `migrations` the database does not record as applied (all of them before the first migration). */
export async function pendingMigrations(executor: SqlExecutor, migrations: Migration[]): Promise<string[]> {
  const [table] = await executor.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists");
  const recorded = table?.exists
    ? await executor.query<{ migration_name: string }>(
        "SELECT migration_name FROM _prisma_migrations WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL",
      )
    : [];
  const applied = new Set(recorded.map((row) => row.migration_name));
  return migrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name);
}

function checkHistory(recorded: RecordedMigration[], migrations: Migration[]): void {
  for (const row of recorded) {
    const name = row.migration_name;
    if (row.finished_at === null) {
      const logs = row.logs?.trim() ? `: ${row.logs.trim()}` : "";
      throw new MigrationError(
        `Migration ${name} started at ${row.started_at.toISOString()} and never finished${logs}. ` +
          `Repair the database, then record the outcome with \`prisma migrate resolve --rolled-back ${name}\` ` +
          `(or --applied) before migrating again.`,
        name,
      );
    }
    const local = migrations.find((migration) => migration.name === name);
    if (!local) {
      throw new MigrationError(
        `The database records migration ${name}, which is not among the local migrations: ` +
          `the code is older than the database, or the migration folder was renamed or deleted.`,
        name,
      );
    }
    if (!checksumMatches(local.sql, row.checksum)) {
      throw new MigrationError(
        `Migration ${name} was modified after it was applied (its checksum differs from the one in ` +
          `_prisma_migrations). Restore its migration.sql and put the change in a new migration.`,
        name,
      );
    }
  }
}

async function applyMigration(executor: SqlExecutor, migration: Migration): Promise<void> {
  const id = randomUUID();
  await executor.exec("BEGIN");
  try {
    // Recorded first, as Prisma does: a script that commits on its own and then fails stays visible as failed.
    await executor.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, migrationChecksum(migration.sql), migration.name],
    );
    await executor.exec(migration.sql);
    await executor.query(
      "UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1",
      [id],
    );
    await executor.exec("COMMIT");
  } catch (error) {
    await executor.exec("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`, migration.name, {
      cause: error,
    });
  }
}
