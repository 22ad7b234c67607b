import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { createTestDatabase, serverUrl } from "./support/database.js";

// The trigger lives in a migration, so both engines the service runs on must refuse the same statements.
const engines = serverUrl ? (["postgres", "pglite"] as const) : (["pglite"] as const);

describe.each(engines)("audit_events on %s", (kind) => {
  it("accepts inserts and refuses UPDATE, DELETE and TRUNCATE, leaving the rows as they were", async () => {
    const testDatabase = await createTestDatabase({ kind });
    const database = await openDatabase(testDatabase.settings, { logger: createLogger({ level: "silent" }) });
    try {
      const { prisma } = database;
      expect(database.kind).toBe(kind);
      await prisma.auditEvent.createMany({
        data: [
          { action: "test.first", targetType: "test", metadata: { n: 1 } },
          { action: "test.second", targetType: "test", metadata: { n: 2 } },
        ],
      });
      const before = await prisma.auditEvent.findMany({ orderBy: { action: "asc" } });
      expect(before).toHaveLength(2);
      await expect(prisma.auditEvent.updateMany({ data: { action: "forged" } })).rejects.toThrow(/append-only/);
      await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
      await expect(prisma.$executeRawUnsafe('UPDATE "audit_events" SET "metadata" = NULL')).rejects.toThrow(/append-only/);
      await expect(prisma.$executeRawUnsafe('TRUNCATE "audit_events"')).rejects.toThrow(/append-only/);
      expect(await prisma.auditEvent.findMany({ orderBy: { action: "asc" } })).toEqual(before);
    } finally {
      await database.close();
      await testDatabase.drop();
    }
  });
});
