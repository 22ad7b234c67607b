import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { eventStreamKey } from "../src/platform/outbox/event-stream.js";
import { startOutboxPublisher } from "../src/platform/outbox/publisher.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "./support/database.js";
import { enqueueSubscriptionChange, isIncreasing, readEventStream, sequencesByCompany } from "./support/outbox.js";

const redisUrl = process.env.REDIS_URL;
const logger = createLogger({ level: "silent" });

// Two replicas need two pools on one server database: PGlite is one process's.
describe.runIf(redisUrl && serverUrl)("outbox publishers on two replicas", () => {
  let testDatabase: TestDatabase;
  let replicas: Database[];

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    replicas = [await openDatabase(testDatabase.settings, { logger }), await openDatabase(testDatabase.settings, { logger })];
  });

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.close()));
    await testDatabase?.drop();
  });

  it("deliver every row once, each company's rows in the order they committed, while writers race", async () => {
    const namespace = `outbox-replicas-${randomUUID()}`;
    const publishers = replicas.map((replica) =>
      startOutboxPublisher({ prisma: replica.prisma, redisUrl: redisUrl!, namespace, logger, intervalMs: 5, batchSize: 7 }),
    );
    const companies = Array.from({ length: 4 }, () => randomUUID());
    const written: { id: string; sequence: bigint }[] = [];
    try {
      // Four writers on alternating replicas, each touching every company, so one company's rows come from several at once.
      await Promise.all(
        Array.from({ length: 4 }, async (_, writer) => {
          for (let turn = 0; turn < 40; turn++) {
            const replica = replicas[(writer + turn) % 2]!;
            written.push(await enqueueSubscriptionChange(replica.prisma, companies[(writer + turn) % companies.length]!, turn));
          }
        }),
      );
      await vi.waitFor(async () => expect(await replicas[0]!.prisma.outboxEvent.count({ where: { publishedAt: null } })).toBe(0), {
        timeout: 20_000,
        interval: 50,
      });
    } finally {
      await Promise.all(publishers.map((publisher) => publisher.stop()));
    }

    const entries = await readEventStream(redisUrl!, eventStreamKey(namespace));
    expect(entries).toHaveLength(written.length);
    expect(new Set(entries.map((entry) => entry.id))).toEqual(new Set(written.map((row) => row.id)));
    const stored = await replicas[0]!.prisma.outboxEvent.findMany({ orderBy: { sequence: "asc" }, select: { id: true, companyId: true } });
    const streamed = sequencesByCompany(entries);
    for (const company of companies) {
      const sequences = streamed.get(company)!;
      expect(isIncreasing(sequences)).toBe(true);
      expect(entries.filter((entry) => entry.company === company).map((entry) => entry.id)).toEqual(
        stored.filter((row) => row.companyId === company).map((row) => row.id),
      );
    }
  });
});
