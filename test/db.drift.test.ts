import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, compareCatalogs, readCatalog } from "../src/platform/db/catalog.js";
import { applyMigrations, type Migration, readMigrations } from "../src/platform/db/migrations.js";
import { schemaFile } from "../src/platform/db/next-migration.js";
import { diffMigrationsToSchema } from "../src/platform/db/schema-engine.js";
import { createScratchDatabase, type ScratchDatabase } from "./support/database.js";

describe("prisma/schema.prisma and prisma/migrations", { timeout: 120_000 }, () => {
  let schema: string;
  let migrations: Migration[];
  let migrated: ScratchDatabase;
  let fromSchema: ScratchDatabase;
  let migratedCatalog: Catalog;
  let fromSchemaCatalog: Catalog;

  beforeAll(async () => {
    schema = await readFile(schemaFile, "utf8");
    migrations = await readMigrations();
    [migrated, fromSchema] = await Promise.all([createScratchDatabase(), createScratchDatabase()]);
    await applyMigrations(migrated.executor, migrations);
    const createFromSchema = await diffMigrationsToSchema([], schema);
    await fromSchema.executor.exec(createFromSchema ?? "");
    migratedCatalog = await readCatalog(migrated.executor);
    fromSchemaCatalog = await readCatalog(fromSchema.executor);
  });

  afterAll(async () => {
    await Promise.all([migrated?.drop(), fromSchema?.drop()]);
  });

  it("build the same tables, columns, enums, indexes and constraints (else run `npm run db:diff -- <name>`)", () => {
    expect(fromSchemaCatalog.size).toBeGreaterThan(100);
    const differences = compareCatalogs(
      { name: "schema.prisma", catalog: fromSchemaCatalog },
      { name: "migrations", catalog: migratedCatalog },
    );
    expect(differences).toEqual([]);
  });

  it("leave Prisma's own differ nothing to migrate", async () => {
    expect(await diffMigrationsToSchema(migrations, schema)).toBeNull();
  });

  it("would be told apart by one column default", async () => {
    await fromSchema.executor.exec("ALTER TABLE company_settings ALTER COLUMN data_retention_days SET DEFAULT 30");
    const changed = await readCatalog(fromSchema.executor);
    expect(compareCatalogs({ name: "schema.prisma", catalog: changed }, { name: "migrations", catalog: migratedCatalog })).toEqual([
      "column company_settings.data_retention_days: schema.prisma: integer NOT NULL DEFAULT 30; migrations: integer NOT NULL DEFAULT 365",
    ]);
  });

  it("would be told apart by a foreign key's ON DELETE", async () => {
    await migrated.executor.exec(`
      ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;
      ALTER TABLE sessions ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE SET NULL ON UPDATE CASCADE;`);
    const changed = await readCatalog(migrated.executor);
    expect(compareCatalogs({ name: "schema.prisma", catalog: fromSchemaCatalog }, { name: "migrations", catalog: changed })).toEqual([
      "constraint sessions.sessions_user_id_fkey: schema.prisma: FOREIGN KEY (user_id) REFERENCES users(id) ON UPDATE CASCADE ON DELETE CASCADE; " +
        "migrations: FOREIGN KEY (user_id) REFERENCES users(id) ON UPDATE CASCADE ON DELETE SET NULL",
    ]);
  });
});
