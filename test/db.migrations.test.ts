import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  applyMigrations,
  type Migration,
  MigrationError,
  migrationChecksum,
  pendingMigrations,
  readMigrations,
} from "../src/platform/db/migrations.js";
import { migrationList, noFilters, withSchemaEngine } from "../src/platform/db/schema-engine.js";
import { pgExecutor } from "../src/platform/db/sql-executor.js";
import { createScratchDatabase, type ScratchDatabase, serverUrl } from "./support/database.js";

const createAccounts: Migration = {
  name: "20250101000000_accounts",
  sql: "CREATE TABLE accounts (id integer PRIMARY KEY);\n",
};
const createLedger: Migration = {
  name: "20250102000000_ledger",
  sql: "CREATE TABLE ledger (id integer PRIMARY KEY, account_id integer REFERENCES accounts (id));\n",
};

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  logs: string | null;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

describe("the migration runner", () => {
  let database: ScratchDatabase;
  beforeAll(async () => {
    database = await createScratchDatabase();
  });
  beforeEach(async () => {
    await database.executor.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  });
  afterAll(async () => {
    await database?.drop();
  });

  const rows = () =>
    database.executor.query<MigrationRow>("SELECT * FROM _prisma_migrations ORDER BY migration_name");
  const tableExists = async (name: string) =>
    (await database.executor.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [name]))[0]?.found;

  it("applies every migration in name order and records each as Prisma Migrate does", async () => {
    const applied = await applyMigrations(database.executor, [createLedger, createAccounts]);

    expect(applied).toEqual([createAccounts.name, createLedger.name]);
    expect(await tableExists("ledger")).toBe(true);
    const recorded = await rows();
    expect(recorded.map((row) => row.migration_name)).toEqual([createAccounts.name, createLedger.name]);
    for (const [index, row] of recorded.entries()) {
      const migration = [createAccounts, createLedger][index]!;
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(migrationChecksum(migration.sql));
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("creates _prisma_migrations with the columns Prisma Migrate creates", async () => {
    await applyMigrations(database.executor, []);
    const columns = await database.executor.query(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
       FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", length: 36, is_nullable: "NO", column_default: null },
      { column_name: "checksum", data_type: "character varying", length: 64, is_nullable: "NO", column_default: null },
      { column_name: "finished_at", data_type: "timestamp with time zone", length: null, is_nullable: "YES", column_default: null },
      { column_name: "migration_name", data_type: "character varying", length: 255, is_nullable: "NO", column_default: null },
      { column_name: "logs", data_type: "text", length: null, is_nullable: "YES", column_default: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", length: null, is_nullable: "YES", column_default: null },
      { column_name: "started_at", data_type: "timestamp with time zone", length: null, is_nullable: "NO", column_default: "now()" },
      { column_name: "applied_steps_count", data_type: "integer", length: null, is_nullable: "NO", column_default: "0" },
    ]);
  });

  it("applies nothing the second time", async () => {
    await applyMigrations(database.executor, [createAccounts, createLedger]);
    expect(await applyMigrations(database.executor, [createAccounts, createLedger])).toEqual([]);
    expect(await rows()).toHaveLength(2);
  });

  it("applies only the migrations added since the last run", async () => {
    await applyMigrations(database.executor, [createAccounts]);
    expect(await applyMigrations(database.executor, [createAccounts, createLedger])).toEqual([createLedger.name]);
  });

  it("lists as pending the local migrations not yet applied, and none that only the database knows", async () => {
    expect(await pendingMigrations(database.executor, [createAccounts, createLedger])).toEqual([createAccounts.name, createLedger.name]);
    await applyMigrations(database.executor, [createAccounts]);
    expect(await pendingMigrations(database.executor, [createAccounts, createLedger])).toEqual([createLedger.name]);
    await applyMigrations(database.executor, [createAccounts, createLedger]);
    // An older replica restarting after a newer migration (expand/contract) has nothing pending.
    expect(await pendingMigrations(database.executor, [createAccounts])).toEqual([]);
  });

  it("refuses to run when an applied migration was edited, naming it", async () => {
    await applyMigrations(database.executor, [createAccounts]);
    const edited = { ...createAccounts, sql: "CREATE TABLE accounts (id bigint PRIMARY KEY);\n" };

    const refusal = applyMigrations(database.executor, [edited, createLedger]);

    await expect(refusal).rejects.toThrow(MigrationError);
    await expect(refusal).rejects.toThrow(`Migration ${createAccounts.name} was modified after it was applied`);
    expect(await tableExists("ledger")).toBe(false);
  });

  it("refuses to run when the database records a migration that no longer exists locally", async () => {
    await applyMigrations(database.executor, [createAccounts, createLedger]);
    await expect(applyMigrations(database.executor, [createAccounts])).rejects.toThrow(
      `The database records migration ${createLedger.name}, which is not among the local migrations`,
    );
  });

  it("refuses to run after a migration that failed earlier and was never resolved", async () => {
    await applyMigrations(database.executor, []);
    await database.executor.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at)
       VALUES ('5b0c7a0e-1a7e-4a5e-9d1e-1f0c2b3a4d5e', $1, $2, 'relation "nope" does not exist', now())`,
      [migrationChecksum(createAccounts.sql), createAccounts.name],
    );
    await expect(applyMigrations(database.executor, [createAccounts])).rejects.toThrow(
      new RegExp(`Migration ${createAccounts.name} started at .* and never finished: relation "nope" does not exist`),
    );
  });

  it("ignores a failed migration that was marked rolled back, and applies it again", async () => {
    await applyMigrations(database.executor, []);
    await database.executor.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, rolled_back_at)
       VALUES ('5b0c7a0e-1a7e-4a5e-9d1e-1f0c2b3a4d5e', 'old', $1, now(), now())`,
      [createAccounts.name],
    );
    expect(await applyMigrations(database.executor, [createAccounts])).toEqual([createAccounts.name]);
  });

  it("rolls a failing migration back wholly, keeps the ones before it and names it in the error", async () => {
    const failing: Migration = {
      name: "20250101120000_broken",
      sql: "CREATE TABLE audit (id integer);\nINSERT INTO no_such_table VALUES (1);\n",
    };

    const failure = applyMigrations(database.executor, [createAccounts, failing, createLedger]);

    await expect(failure).rejects.toThrow(MigrationError);
    await expect(failure).rejects.toThrow(/Migration 20250101120000_broken failed and was rolled back: .*no_such_table/);
    expect(await tableExists("accounts")).toBe(true);
    expect(await tableExists("audit")).toBe(false);
    expect(await tableExists("ledger")).toBe(false);
    expect((await rows()).map((row) => row.migration_name)).toEqual([createAccounts.name]);
    expect(await applyMigrations(database.executor, [createAccounts, createLedger])).toEqual([createLedger.name]);
  });

  it("keeps a history Prisma Migrate's own engine accepts, with the checksums it computes", { timeout: 120_000 }, async () => {
    const migrations = await readMigrations();
    const list = migrationList(migrations);
    await applyMigrations(database.executor, migrations);
    const other = await createScratchDatabase();
    try {
      const diagnosis = await withPrismaEngine(database, (engine) =>
        engine.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters: noFilters }),
      );
      expect(diagnosis).toMatchObject({ history: null, editedMigrationNames: [], failedMigrationNames: [] });

      const deployedByPrisma = await withPrismaEngine(other, (engine) =>
        engine.applyMigrations({ migrationsList: list, filters: noFilters }),
      );
      expect(deployedByPrisma.appliedMigrationNames).toEqual(migrations.map((migration) => migration.name));
      const prismaChecksums = await other.executor.query<{ checksum: string }>(
        "SELECT checksum FROM _prisma_migrations ORDER BY migration_name",
      );
      expect(prismaChecksums.map((row) => row.checksum)).toEqual(migrations.map((migration) => migrationChecksum(migration.sql)));
      expect(await applyMigrations(other.executor, migrations)).toEqual([]);
    } finally {
      await other.drop();
    }
  });
});

/** Prisma's schema engine on a scratch database; its pool is closed after, releasing the lock it never releases. */
async function withPrismaEngine<T>(scratch: ScratchDatabase, work: Parameters<typeof withSchemaEngine<T>>[0]): Promise<T> {
  if (scratch.pglite) return withSchemaEngine(work, new PrismaPGlite(scratch.pglite));
  const pool = new pg.Pool({ connectionString: scratch.url });
  try {
    return await withSchemaEngine(work, new PrismaPg(pool));
  } finally {
    await pool.end();
  }
}

describe.runIf(serverUrl)("the migration runner on PostgreSQL", () => {
  it("lets two replicas start together: one applies the migrations, the other waits and applies nothing", async () => {
    const database = await createScratchDatabase();
    const replicas = [new pg.Client({ connectionString: database.url }), new pg.Client({ connectionString: database.url })];
    try {
      await Promise.all(replicas.map((client) => client.connect()));
      // The pause keeps the first replica mid-migration while the second one arrives.
      const migrations = [{ name: "00000000000000_pause", sql: "SELECT pg_sleep(0.5);" }, ...(await readMigrations())];

      const results = await Promise.all(replicas.map((client) => applyMigrations(pgExecutor(client), migrations)));

      expect(results.map((applied) => applied.length).sort()).toEqual([0, migrations.length]);
      const recorded = await database.executor.query<{ migration_name: string }>(
        "SELECT migration_name FROM _prisma_migrations ORDER BY migration_name",
      );
      expect(recorded.map((row) => row.migration_name)).toEqual(migrations.map((migration) => migration.name));
    } finally {
      await Promise.all(replicas.map((client) => client.end()));
      await database.drop();
    }
  });
});
