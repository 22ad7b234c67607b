import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Config } from "../../src/config.js";
import { migrateDatabase } from "../../src/platform/db/database.js";
import { applyMigrations, readMigrations } from "../../src/platform/db/migrations.js";
import { pgExecutor, pgliteExecutor, type SqlExecutor } from "../../src/platform/db/sql-executor.js";

/** The server tests run against when set; the embedded PGlite otherwise. */
export const serverUrl = process.env.DATABASE_URL;

export interface TestDatabase {
  settings: Config["database"];
  /** The connection URL on PostgreSQL. */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file: a new `um_test_<random>` database on the
 * DATABASE_URL server, or a new PGlite directory (also when `kind: "pglite"` asks for one whatever the
 * environment). Nothing holds it open; pass `settings` to `openDatabase`.
 */
export async function createTestDatabase(options: { kind?: "postgres" | "pglite" } = {}): Promise<TestDatabase> {
  if (serverUrl && options.kind !== "pglite") {
    const database = await createServerDatabase(serverUrl);
    const settings = { kind: "postgres" as const, url: database.url, schema: undefined, poolSize: 5, connectTimeoutMs: 5000, statementTimeoutMs: 10_000 };
    await migrateDatabase(settings).catch(async (error: unknown) => {
      await database.drop();
      throw error;
    });
    return { settings, url: database.url, drop: database.drop };
  }
  const directory = await copyOfPgliteTemplate(await migratedTemplateKey(), async (template) => {
    await applyMigrations(pgliteExecutor(template), await readMigrations());
  });
  return { settings: { kind: "pglite", directory }, drop: () => rm(directory, { recursive: true, force: true }) };
}

export interface ScratchDatabase {
  /** One open connection to the database. */
  executor: SqlExecutor;
  /** The connection URL on PostgreSQL. */
  url?: string;
  /** The open embedded database on PGlite. */
  pglite?: PGlite;
  /** Disconnects and deletes the database. */
  drop(): Promise<void>;
}

/** An empty database (no migrations applied), kept open, for tests that drive migrations themselves. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  if (serverUrl) {
    const database = await createServerDatabase(serverUrl);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    return {
      executor: pgExecutor(client),
      url: database.url,
      async drop() {
        await client.end();
        await database.drop();
      },
    };
  }
  const directory = await copyOfPgliteTemplate("empty", async () => {});
  const pglite = await PGlite.create({ dataDir: directory });
  return {
    executor: pgliteExecutor(pglite),
    pglite,
    async drop() {
      await pglite.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function createServerDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `um_test_${randomBytes(6).toString("hex")}`;
  await withServer(url, async (admin) => {
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  return {
    url: databaseUrl.toString(),
    drop: () =>
      withServer(url, async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/** Runs `work` on a connection of its own to the server at `url`, closed afterwards. */
export async function withServer<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function migratedTemplateKey(): Promise<string> {
  const hash = createHash("sha256");
  for (const migration of await readMigrations()) hash.update(`${migration.name}\0${migration.sql}\0`);
  return `migrated-${hash.digest("hex").slice(0, 16)}`;
}

// PGlite's initdb takes seconds, so prepared data directories are copied; shared by workers and runs, keyed by version and content.
async function copyOfPgliteTemplate(key: string, prepare: (template: PGlite) => Promise<void>): Promise<string> {
  const template = path.join(os.tmpdir(), "um-pglite-templates", `${await pgliteVersion()}-${key}`);
  if (!(await exists(template))) await buildPgliteTemplate(template, prepare);
  const directory = await mkdtemp(path.join(os.tmpdir(), "um-test-pglite-"));
  await cp(template, directory, { recursive: true });
  return directory;
}

async function buildPgliteTemplate(template: string, prepare: (template: PGlite) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(template), { recursive: true });
  const building = await mkdtemp(`${template}.building-`);
  const database = await PGlite.create({ dataDir: building });
  try {
    await prepare(database);
  } finally {
    await database.close();
  }
  // Renaming is atomic: a template directory that exists is complete. Another worker may have won the race.
  await rename(building, template).catch(async (error: unknown) => {
    await rm(building, { recursive: true, force: true });
    if (!(await exists(template))) throw error;
  });
}

async function pgliteVersion(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const manifest = JSON.parse(await readFile(path.join(path.dirname(entry), "..", "package.json"), "utf8"));
  return manifest.version as string;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
