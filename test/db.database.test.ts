import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/platform/logger.js";
import { type Database, openDatabase } from "../src/platform/db/database.js";
import { readMigrations } from "../src/platform/db/migrations.js";
import { createScratchDatabase, createTestDatabase, serverUrl, type TestDatabase } from "./support/database.js";

const logger = createLogger({ level: "silent" });

describe("openDatabase on the test database", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase(testDatabase.settings, { logger });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it("is of the configured kind, migrated, and answers ping", async () => {
    expect(database.kind).toBe(serverUrl ? "postgres" : "pglite");
    await expect(database.ping()).resolves.toBeUndefined();
    expect(await database.prisma.user.count()).toBe(0);
  });

  it("reports every SQL statement Prisma sends, with its duration, until unsubscribed", async () => {
    const seen: Array<{ sql: string; durationMs: number }> = [];
    const unsubscribe = database.onQuery((sql, durationMs) => seen.push({ sql, durationMs }));

    const user = await database.prisma.user.create({ data: { email: "ada@example.com", fullName: "Ada" } });
    const found = await database.prisma.user.findMany({ where: { id: { in: [user.id, crypto.randomUUID(), crypto.randomUUID()] } } });
    unsubscribe();
    await database.prisma.user.count();

    expect(found.map((row) => row.email)).toEqual(["ada@example.com"]);
    expect(seen.map((query) => query.sql.split(" ")[0])).toEqual(["INSERT", "SELECT"]);
    expect(seen[1]?.sql).toContain('"users"');
    for (const query of seen) expect(query.durationMs).toBeGreaterThanOrEqual(0);
  });

  it.runIf(serverUrl)("prepares a statement marked /* prepared */ once per connection, and leaves the others unnamed", async () => {
    const single = await openDatabase({ ...testDatabase.settings, poolSize: 1 } as typeof testDatabase.settings, { logger });
    try {
      for (let i = 0; i < 3; i++) await single.prisma.$queryRaw`/* prepared */ SELECT count(*)::int AS "n" FROM "users" WHERE "email" = ${`x${i}@example.com`}`;
      await single.prisma.$queryRaw`SELECT count(*)::int AS "n" FROM "users" WHERE "email" = ${"y@example.com"}`;
      const prepared = await single.prisma.$queryRaw<{ statement: string }[]>`SELECT "statement" FROM pg_prepared_statements`;
      expect(prepared.map((row) => row.statement.trim().split("\n")[0])).toEqual(['/* prepared */ SELECT count(*)::int AS "n" FROM "users" WHERE "email" = $1']);
    } finally {
      await single.close();
    }
  });

  it("runs interactive transactions, rolling back on error", async () => {
    const attempt = database.prisma.$transaction(async (tx) => {
      await tx.company.create({ data: { name: "Acme", slug: "acme" } });
      throw new Error("abort");
    });
    await expect(attempt).rejects.toThrow("abort");
    expect(await database.prisma.company.count({ where: { slug: "acme" } })).toBe(0);
  });
});

describe("openDatabase lifecycle", () => {
  it("closes once, after which ping rejects", async () => {
    const testDatabase = await createTestDatabase();
    try {
      const database = await openDatabase(testDatabase.settings, { logger });
      await database.close();
      await database.close();
      await expect(database.ping()).rejects.toThrow();
    } finally {
      await testDatabase.drop();
    }
  });

  it("keeps the embedded database in its directory, migrated once at first start", { timeout: 120_000 }, async () => {
    const directory = path.join(await mkdtemp(path.join(os.tmpdir(), "um-embedded-")), "pglite");
    try {
      const first = await openDatabase({ kind: "pglite", directory }, { logger });
      await first.prisma.user.create({ data: { email: "grace@example.com", fullName: "Grace" } });
      await first.close();

      const second = await openDatabase({ kind: "pglite", directory }, { logger });
      try {
        expect(await second.prisma.user.findUnique({ where: { email: "grace@example.com" } })).not.toBeNull();
        const history = await second.prisma.$queryRaw<Array<{ count: bigint }>>`SELECT count(*) FROM _prisma_migrations`;
        expect(Number(history[0]?.count)).toBe((await readMigrations()).length);
      } finally {
        await second.close();
      }
    } finally {
      await rm(path.dirname(directory), { recursive: true, force: true });
    }
  });

  it.runIf(serverUrl)("migrates an empty PostgreSQL database into DATABASE_SCHEMA when asked to", async () => {
    const scratch = await createScratchDatabase();
    try {
      const settings = { kind: "postgres" as const, url: scratch.url!, schema: "tenant_a", poolSize: 2, connectTimeoutMs: 5000, statementTimeoutMs: 10_000 };
      const database = await openDatabase(settings, { logger, migrate: true });
      try {
        await database.prisma.user.create({ data: { email: "linus@example.com", fullName: "Linus" } });
        const tables = await scratch.executor.query<{ table_schema: string }>(
          "SELECT table_schema FROM information_schema.tables WHERE table_name IN ('users', '_prisma_migrations')",
        );
        expect(tables.map((table) => table.table_schema)).toEqual(["tenant_a", "tenant_a"]);
      } finally {
        await database.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});
