import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyMigrations, migrationsDirectory, readMigrations } from "../src/platform/db/migrations.js";
import { migrationFolderName, schemaFile, writeNextMigration } from "../src/platform/db/next-migration.js";
import { createScratchDatabase } from "./support/database.js";

describe("npm run db:diff", { timeout: 120_000 }, () => {
  let workspace: string;
  let migrations: string;
  let schema: string;

  beforeEach(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), "um-db-diff-"));
    migrations = path.join(workspace, "migrations");
    schema = path.join(workspace, "schema.prisma");
    await cp(migrationsDirectory, migrations, { recursive: true });
    await cp(schemaFile, schema);
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it("writes the next migration with the SQL for a field added to schema.prisma, which then applies", async () => {
    const original = await readFile(schema, "utf8");
    await writeFile(schema, original.replace(/(model User \{\n)/, "$1  nickname String? @map(\"nick_name\")\n"));
    const at = new Date("2099-01-02T03:04:05Z");

    const written = await writeNextMigration({ name: "Add nickname!", migrationsDirectory: migrations, schemaFile: schema, at });

    expect(written?.folder).toBe("20990102030405_add_nickname");
    expect(written?.sql).toContain('ALTER TABLE "users" ADD COLUMN     "nick_name" TEXT;');
    expect(await readFile(path.join(migrations, "20990102030405_add_nickname", "migration.sql"), "utf8")).toBe(written?.sql);
    const database = await createScratchDatabase();
    try {
      await applyMigrations(database.executor, await readMigrations(migrations));
      const columns = await database.executor.query("SELECT 1 FROM information_schema.columns WHERE column_name = 'nick_name'");
      expect(columns).toHaveLength(1);
    } finally {
      await database.drop();
    }
  });

  it("says there is nothing to write when the migrations already match the schema", async () => {
    const before = await readdir(migrations);
    expect(await writeNextMigration({ name: "nothing", migrationsDirectory: migrations, schemaFile: schema })).toBeNull();
    expect(await readdir(migrations)).toEqual(before);
  });

  it("names folders as Prisma Migrate does", () => {
    expect(migrationFolderName("add user nickname", new Date("2025-06-07T08:09:10.123Z"))).toBe("20250607080910_add_user_nickname");
    expect(() => migrationFolderName("!!!")).toThrow(/needs a name/);
  });
});
