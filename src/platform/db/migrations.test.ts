import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checksumMatches, migrationChecksum, readMigrations } from "./migrations.js";

describe("migrationChecksum", () => {
  it("is Prisma Migrate's checksum: the zero-padded hex SHA-256 of the script", () => {
    // The pinned value is the one in prisma-engines' own test of render_checksum (schema-connector/src/checksum.rs).
    expect(migrationChecksum("hello")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(migrationChecksum("abcd")).toHaveLength(64);
  });

  it("accepts a script whose line endings were changed by git, and nothing else", () => {
    expect(checksumMatches("ab\r\ncd\r\n", migrationChecksum("ab\ncd\n"))).toBe(true);
    expect(checksumMatches("ab\ncd\n", migrationChecksum("ab\r\ncd\r\n"))).toBe(true);
    expect(checksumMatches("abc\n", migrationChecksum("abc"))).toBe(false);
  });
});

describe("readMigrations", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), "um-migrations-"));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string) {
    await mkdir(path.join(directory, name));
    await writeFile(path.join(directory, name, "migration.sql"), sql);
  }

  it("reads the migration folders in name order, ignoring files beside them", async () => {
    await addMigration("20250102000000_second", "SELECT 2;");
    await addMigration("20250101000000_first", "SELECT 1;");
    await writeFile(path.join(directory, "migration_lock.toml"), 'provider = "postgresql"\n');
    expect(await readMigrations(directory)).toEqual([
      { name: "20250101000000_first", sql: "SELECT 1;" },
      { name: "20250102000000_second", sql: "SELECT 2;" },
    ]);
  });

  it("names a folder without migration.sql", async () => {
    await mkdir(path.join(directory, "20250101000000_empty"));
    await expect(readMigrations(directory)).rejects.toThrow(/20250101000000_empty has no readable migration.sql/);
  });

  it("refuses migrations locked to another provider", async () => {
    await writeFile(path.join(directory, "migration_lock.toml"), 'provider = "sqlite"\n');
    await expect(readMigrations(directory)).rejects.toThrow(/provider "sqlite", expected "postgresql"/);
  });

  it("finds the project's migrations, starting with the initial one", async () => {
    const migrations = await readMigrations();
    expect(migrations[0]?.name).toMatch(/^\d{14}_init$/);
    expect(migrations[0]?.sql).toContain('CREATE TABLE "users"');
  });
});
