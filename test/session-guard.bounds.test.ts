import { randomUUID } from "node:crypto";
import { getHeapStatistics } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionGuard, type GuardedToken } from "../src/modules/auth/session-guard.js";
import { createCache, type Cache } from "../src/platform/cache/cache.js";
import { type Database, openDatabase } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";

const logger = createLogger({ level: "silent" });

describe("session guard bounds", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let cache: Cache;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase(testDatabase.settings, { logger });
    cache = await createCache({ logger, namespace: `test-${randomUUID()}` });
  });
  afterAll(async () => {
    await cache?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  async function userWithSessions(count: number): Promise<GuardedToken[]> {
    const { prisma } = database;
    const user = await prisma.user.create({ data: { email: `${randomUUID()}@example.com`, fullName: "Bound" } });
    const company = await prisma.company.create({ data: { name: "Bound", slug: randomUUID(), type: "INDIVIDUAL" } });
    await prisma.membership.create({ data: { userId: user.id, companyId: company.id, role: "OWNER" } });
    const day = new Date(Date.now() + 86_400_000);
    await prisma.subscription.create({ data: { companyId: company.id, tier: "FREE", currentPeriodStart: new Date(), currentPeriodEnd: day } });
    const issuedAt = Math.floor(Date.now() / 1000) + 1;
    const tokens: GuardedToken[] = [];
    for (let n = 0; n < count; n += 1) {
      const session = await prisma.session.create({ data: { userId: user.id, activeCompanyId: company.id, idleExpiresAt: day, absoluteExpiresAt: day } });
      tokens.push({ sessionId: session.id, userId: user.id, companyId: company.id, role: "OWNER", tier: "FREE", issuedAt });
    }
    return tokens;
  }

  const revokeBehindTheGuard = (sessionId: string) => database.prisma.session.update({ where: { id: sessionId }, data: { revokedAt: new Date() } });

  it("keeps at most its entry bound of sessions, forgetting the least recently used", async () => {
    const guard = createSessionGuard({ prisma: database.prisma, cache, logger, bounds: { maxEntries: 2, maxBytes: 1024 * 1024 } });
    try {
      const [first, second, third] = await userWithSessions(3);
      for (const token of [first!, second!, third!]) expect(await guard.isActive(token)).toBe(true);
      await revokeBehindTheGuard(first!.sessionId);
      await revokeBehindTheGuard(third!.sessionId);
      // The third is still held, so the guard has not read it again; the first was pushed out and is read afresh.
      expect(await guard.isActive(third!)).toBe(true);
      expect(await guard.isActive(first!)).toBe(false);
    } finally {
      guard.close();
    }
  });

  it("costs next to no heap before it holds anything, at the default bounds of 100,000 entries per table", () => {
    const before = getHeapStatistics().used_heap_size;
    const guards = Array.from({ length: 10 }, () => createSessionGuard({ prisma: database.prisma, cache, logger }));
    const grownMb = (getHeapStatistics().used_heap_size - before) / 1024 / 1024;
    guards.forEach((guard) => guard.close());
    // Preallocated slots cost about 5 MB per table, 20 MB per guard.
    expect(grownMb).toBeLessThan(10);
  });
});
