import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { eventStreamKey } from "../src/platform/outbox/event-stream.js";
import { startOutboxPublisher } from "../src/platform/outbox/publisher.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { enqueueSubscriptionChange, readEventStream } from "./support/outbox.js";
import { redisServerAvailable, startPrivateRedis, type PrivateRedis } from "./support/redis.js";

// A private redis-server on its own port: this test stops it, which it must never do to the shared one.
describe.runIf(redisServerAvailable)("outbox publisher through a Redis outage", () => {
  let redis: PrivateRedis;
  let testDatabase: TestDatabase;
  let database: Database;
  const logs: { level: number; msg: string }[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  const messages = (level: number, prefix: string) => logs.filter((entry) => entry.level === level && entry.msg.startsWith(prefix));

  beforeAll(async () => {
    redis = await startPrivateRedis();
    testDatabase = await createTestDatabase();
    database = await openDatabase(testDatabase.settings, { logger });
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
    await redis?.dispose();
  });

  it("keeps rows enqueued while Redis is down and delivers them in order once it is back, warning once", async () => {
    const namespace = `outbox-outage-${randomUUID()}`;
    const key = eventStreamKey(namespace);
    const publisher = startOutboxPublisher({ prisma: database.prisma, redisUrl: redis.url, namespace, logger, intervalMs: 20, batchSize: 100 });
    try {
      const before = await enqueueSubscriptionChange(database.prisma, randomUUID(), 1);
      await vi.waitFor(async () => expect((await readEventStream(redis.url, key)).map((entry) => entry.id)).toEqual([before.id]), { timeout: 5_000 });

      await redis.stop();
      const [companyA, companyB] = [randomUUID(), randomUUID()];
      const duringOutage: { id: string; sequence: bigint }[] = [];
      for (let turn = 0; turn < 6; turn++) {
        duringOutage.push(await enqueueSubscriptionChange(database.prisma, turn % 2 === 0 ? companyA : companyB, turn));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      // Several rounds fail; each leaves the rows unpublished with the attempt recorded.
      await vi.waitFor(
        async () => {
          const kept = await database.prisma.outboxEvent.findMany({ where: { id: { in: duringOutage.map((row) => row.id) } } });
          expect(kept.every((row) => row.publishedAt === null && row.attempts >= 2 && row.lastError !== null)).toBe(true);
        },
        { timeout: 5_000 },
      );
      expect(messages(40, "outbox publishing failed")).toHaveLength(1);

      await redis.start();
      // The restarted server kept nothing (no persistence): the stream holds exactly what arrived after it came back.
      await vi.waitFor(
        async () => expect((await readEventStream(redis.url, key)).map((entry) => entry.id)).toEqual(duringOutage.map((row) => row.id)),
        { timeout: 15_000, interval: 100 },
      );
      // The round marks its rows after its XADDs, in the same transaction.
      await vi.waitFor(async () => {
        const stored = await database.prisma.outboxEvent.findMany({ where: { id: { in: duringOutage.map((row) => row.id) } } });
        expect(stored.every((row) => row.publishedAt !== null && row.lastError === null)).toBe(true);
      });
      await vi.waitFor(() => expect(messages(30, "outbox publishing resumed")).toHaveLength(1));
      expect(messages(40, "outbox publishing failed")).toHaveLength(1);
    } finally {
      await publisher.stop();
    }
  });
});
