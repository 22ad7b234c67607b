import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { startRetentionJob } from "../src/modules/privacy/retention.job.js";
import { runRetention } from "../src/modules/privacy/retention.service.js";
import { openDatabase } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { createTestDatabase, serverUrl } from "./support/database.js";
import { startTestServer, type TestServer } from "./support/server.js";

const day = 86_400_000;
const now = Date.now();
const clock = () => now;
const config = { retention: { defaultDays: 100 } };
const ago = (days: number) => new Date(now - days * day);

async function userIn(prisma: PrismaClient, retentionDays: (number | null)[]): Promise<string> {
  const user = await prisma.user.create({ data: { email: `retention-${randomUUID()}@example.com`, fullName: "Kept For A While" } });
  for (const days of retentionDays) {
    const company = await prisma.company.create({
      data: { name: "Retention Co", slug: `retention-${randomUUID()}`, type: "ORGANIZATION", ...(days === null ? {} : { settings: { create: { dataRetentionDays: days } } }) },
    });
    await prisma.membership.create({ data: { userId: user.id, companyId: company.id, role: "MEMBER" } });
  }
  return user.id;
}

/** A login attempt and a security event of the user at each age (days); answers the ids by age. */
async function historyOf(prisma: PrismaClient, userId: string | null, ages: number[]) {
  const ids: Record<number, { attempt: string; event: string | null }> = {};
  for (const age of ages) {
    const attempt = await prisma.loginAttempt.create({ data: { userId, email: `someone-${randomUUID()}@example.com`, success: false, createdAt: ago(age) } });
    const event = userId
      ? await prisma.securityEvent.create({ data: { userId, patterns: ["new_device"], riskScore: 0.2, action: "allowed", createdAt: ago(age) } })
      : null;
    ids[age] = { attempt: attempt.id, event: event?.id ?? null };
  }
  return ids;
}

async function survivors(prisma: PrismaClient, ids: Record<number, { attempt: string; event: string | null }>) {
  const attempts = await prisma.loginAttempt.findMany({ where: { id: { in: Object.values(ids).map((row) => row.attempt) } }, select: { id: true } });
  const events = await prisma.securityEvent.findMany({ where: { id: { in: Object.values(ids).flatMap((row) => (row.event ? [row.event] : [])) } }, select: { id: true } });
  const kept = new Set([...attempts, ...events].map((row) => row.id));
  return Object.entries(ids)
    .filter(([, row]) => kept.has(row.attempt) && (row.event === null || kept.has(row.event)))
    .map(([age]) => Number(age))
    .sort((a, b) => a - b);
}

describe("the data-retention job", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ RETENTION_JOB_INTERVAL_SECONDS: "0" });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("deletes sign-in history past each user's longest company retention, or the default without settings, and keeps younger rows", async () => {
    const prisma = server.deps.database.prisma;
    const shortOnly = await historyOf(prisma, await userIn(prisma, [30]), [29, 31]);
    const longest = await historyOf(prisma, await userIn(prisma, [30, 400]), [200, 399, 401]);
    const withoutSettings = await historyOf(prisma, await userIn(prisma, [null]), [99, 101]);
    const withoutCompany = await historyOf(prisma, await userIn(prisma, []), [99, 101]);
    const unknownEmail = await historyOf(prisma, null, [99, 101]);

    const result = await runRetention({ prisma, config, clock });
    expect(result).toEqual({ ran: true, loginAttempts: 5, securityEvents: 4 });

    expect(await survivors(prisma, shortOnly)).toEqual([29]);
    expect(await survivors(prisma, longest)).toEqual([200, 399]);
    expect(await survivors(prisma, withoutSettings)).toEqual([99]);
    expect(await survivors(prisma, withoutCompany)).toEqual([99]);
    expect(await survivors(prisma, unknownEmail)).toEqual([99]);
    expect(await runRetention({ prisma, config, clock })).toEqual({ ran: true, loginAttempts: 0, securityEvents: 0 });
  });

  it("ignores companies the user left or that were closed", async () => {
    const prisma = server.deps.database.prisma;
    const userId = await userIn(prisma, [30]);
    const closed = await prisma.company.create({ data: { name: "Closed Co", slug: `closed-${randomUUID()}`, status: "DELETED", settings: { create: { dataRetentionDays: 3000 } } } });
    await prisma.membership.create({ data: { userId, companyId: closed.id, role: "MEMBER" } });
    const rows = await historyOf(prisma, userId, [29, 31]);
    await runRetention({ prisma, config, clock });
    expect(await survivors(prisma, rows)).toEqual([29]);
  });

  it("is off with an interval of 0, and stops cleanly", async () => {
    const job = startRetentionJob({ prisma: server.deps.database.prisma, config, clock, logger: createLogger({ level: "silent" }) }, 0);
    await expect(job.stop()).resolves.toBeUndefined();
    const running = startRetentionJob({ prisma: server.deps.database.prisma, config, clock, logger: createLogger({ level: "silent" }) }, 3600);
    await expect(running.stop()).resolves.toBeUndefined();
  });
});

describe.runIf(serverUrl)("two retention runs at once on PostgreSQL (two pools)", () => {
  it("neither fails and the old rows are deleted once; a run while another holds the lock skips", async () => {
    const testDatabase = await createTestDatabase();
    const logger = createLogger({ level: "silent" });
    const [first, second] = await Promise.all([openDatabase(testDatabase.settings, { logger }), openDatabase(testDatabase.settings, { logger })]);
    try {
      const rows = [];
      for (let index = 0; index < 20; index++) rows.push(await historyOf(first.prisma, await userIn(first.prisma, [30]), [10, 40]));
      const results = await Promise.all([runRetention({ prisma: first.prisma, config, clock }), runRetention({ prisma: second.prisma, config, clock })]);
      const deleted = results.map((result) => (result.ran ? result.loginAttempts + result.securityEvents : 0));
      expect(results.some((result) => result.ran)).toBe(true);
      expect(deleted.reduce((sum, count) => sum + count, 0)).toBe(40);
      for (const ids of rows) expect(await survivors(first.prisma, ids)).toEqual([10]);

      const whileHeld = await first.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('job:data-retention', 0))`;
        return runRetention({ prisma: second.prisma, config, clock });
      });
      expect(whileHeld).toEqual({ ran: false });
    } finally {
      await Promise.all([first.close(), second.close()]);
      await testDatabase.drop();
    }
  });
});
