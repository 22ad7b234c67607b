import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config.js";
import { openDatabase, type Database } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { watchOutboxBacklog } from "../src/platform/outbox/backlog.js";
import { enqueueOutboxEvent, outboxEnvelope } from "../src/platform/outbox/enqueue.js";
import { eventStreamKey } from "../src/platform/outbox/event-stream.js";
import { startOutboxPublisher, type OutboxPublisher } from "../src/platform/outbox/publisher.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "./support/database.js";
import { enqueueSubscriptionChange, readEventStream, sequencesByCompany, subscriptionTopic } from "./support/outbox.js";
import { startTestServer } from "./support/server.js";

const redisUrl = process.env.REDIS_URL;
const logs: { level: number; msg: string }[] = [];
const logger = createLogger({ level: "info", destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });

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

afterEach(async () => {
  await database.prisma.outboxEvent.deleteMany();
  logs.length = 0;
});

describe("enqueueOutboxEvent", () => {
  it("writes the row only when the caller's transaction commits", async () => {
    const companyId = randomUUID();
    const envelope = outboxEnvelope({ messageType: "subscription_info", companyId, payload: new Uint8Array([1, 2]), correlationId: "c-1" });
    await expect(
      database.prisma.$transaction(async (tx) => {
        await enqueueOutboxEvent(tx, { topic: subscriptionTopic, companyId, envelope });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await database.prisma.outboxEvent.count()).toBe(0);

    const row = await database.prisma.$transaction((tx) => enqueueOutboxEvent(tx, { topic: subscriptionTopic, companyId, envelope }));
    const stored = await database.prisma.outboxEvent.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({ topic: subscriptionTopic, companyId, sequence: row.sequence, publishedAt: null, attempts: 0, lastError: null });
    expect(Buffer.from(stored.envelope).equals(Buffer.from(envelope))).toBe(true);
  });

  it("refuses an event without a topic", async () => {
    const envelope = outboxEnvelope({ messageType: "x", companyId: null, payload: new Uint8Array(), correlationId: "c" });
    await expect(database.prisma.$transaction((tx) => enqueueOutboxEvent(tx, { topic: " ", companyId: null, envelope }))).rejects.toThrow(
      "topic",
    );
  });

  // PGlite has one connection, so only PostgreSQL can show two writers at once.
  it.runIf(serverUrl)("holds a later row of the same company until the earlier transaction ends, and no other company's", async () => {
    const [companyA, companyB] = [randomUUID(), randomUUID()];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstEnqueued!: () => void;
    const enqueued = new Promise<void>((resolve) => (firstEnqueued = resolve));
    const envelope = outboxEnvelope({ messageType: "x", companyId: companyA, payload: new Uint8Array(), correlationId: "c" });
    const first = database.prisma.$transaction(async (tx) => {
      const row = await enqueueOutboxEvent(tx, { topic: subscriptionTopic, companyId: companyA, envelope });
      firstEnqueued();
      await held;
      return row;
    });
    await enqueued;
    let secondDone = false;
    const second = enqueueSubscriptionChange(database.prisma, companyA, 2).then((row) => ((secondDone = true), row));
    const otherCompany = await enqueueSubscriptionChange(database.prisma, companyB, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    release();
    const [firstRow, secondRow] = await Promise.all([first, second]);
    expect(secondRow.sequence).toBeGreaterThan(firstRow.sequence);
    expect(otherCompany.sequence).toBeLessThan(secondRow.sequence);
  });
});

describe("outbox backlog without Redis", () => {
  it("warns once when unpublished rows pile up past the threshold", async () => {
    const watch = watchOutboxBacklog({ prisma: database.prisma, logger, thresholdRows: 3, intervalMs: 20 });
    try {
      const companyId = randomUUID();
      await enqueueSubscriptionChange(database.prisma, companyId, 1);
      await enqueueSubscriptionChange(database.prisma, companyId, 2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const warnings = () => logs.filter((entry) => entry.level === 40 && entry.msg.startsWith("outbox rows are piling up"));
      expect(warnings()).toHaveLength(0);
      await enqueueSubscriptionChange(database.prisma, companyId, 3);
      await enqueueSubscriptionChange(database.prisma, companyId, 4);
      await vi.waitFor(() => expect(warnings()).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(warnings()).toHaveLength(1);
    } finally {
      await watch.stop();
    }
  });

  it("reads its settings from the environment, with defaults", () => {
    expect(loadConfig({}).outbox).toEqual({ publishIntervalMs: 1000, batchSize: 100, streamMaxLength: 1_000_000, backlogWarningRows: 10_000 });
    const configured = loadConfig({ OUTBOX_PUBLISH_INTERVAL_MS: "250", OUTBOX_BATCH_SIZE: "20", OUTBOX_STREAM_MAX_LENGTH: "0" });
    expect(configured.outbox).toMatchObject({ publishIntervalMs: 250, batchSize: 20, streamMaxLength: 0 });
    expect(() => loadConfig({ OUTBOX_BATCH_SIZE: "0" })).toThrow("OUTBOX_BATCH_SIZE");
  });
});

describe.runIf(redisUrl)("outbox publisher", () => {
  const publishers: OutboxPublisher[] = [];
  function publisher(namespace: string, batchSize = 100): OutboxPublisher {
    const started = startOutboxPublisher({ prisma: database.prisma, redisUrl: redisUrl!, namespace, logger, intervalMs: 60_000, batchSize });
    publishers.push(started);
    return started;
  }

  afterEach(async () => {
    await Promise.all(publishers.splice(0).map((started) => started.stop()));
  });

  it("appends rows to <namespace>:events in order per company with decodable envelopes, and marks them published", async () => {
    const namespace = `outbox-test-${randomUUID()}`;
    const [companyA, companyB] = [randomUUID(), randomUUID()];
    const written: { companyId: string | null; seats: number; id: string; sequence: bigint; correlationId: string }[] = [];
    for (const [companyId, seats] of [[companyA, 1], [companyB, 1], [companyA, 2], [null, 1], [companyB, 2], [companyA, 3]] as const) {
      written.push({ companyId, seats, ...(await enqueueSubscriptionChange(database.prisma, companyId, seats)) });
    }
    const outbox = publisher(namespace, 4);
    // Rounds until nothing is left: on a loaded machine a round can time out on Redis and leave its rows for the next.
    for (let round = 0; round < 10 && (await database.prisma.outboxEvent.count({ where: { publishedAt: null } })) > 0; round++) await outbox.publishOnce();

    const entries = await readEventStream(redisUrl!, eventStreamKey(namespace));
    expect(entries.map((entry) => entry.id)).toEqual(written.map((row) => row.id));
    for (const [index, entry] of entries.entries()) {
      const row = written[index]!;
      expect(entry).toMatchObject({ topic: subscriptionTopic, company: row.companyId ?? "", sequence: row.sequence, correlation: row.correlationId });
      expect(entry.envelope).toMatchObject({
        messageType: "subscription_info",
        companyId: row.companyId ?? "",
        serviceSource: "user-management",
        correlationId: row.correlationId,
      });
      expect(Number(entry.envelope.timestamp)).toBeGreaterThan(Date.now() - 60_000);
      expect(entry.info).toMatchObject({ companyId: row.companyId ?? "", seats: row.seats });
    }
    expect(sequencesByCompany(entries).get(companyA)).toEqual(written.filter((row) => row.companyId === companyA).map((row) => row.sequence));

    const stored = await database.prisma.outboxEvent.findMany();
    expect(stored.every((row) => row.publishedAt !== null && row.lastError === null)).toBe(true);
    expect(await outbox.publishOnce()).toBe(0);
    expect(await readEventStream(redisUrl!, eventStreamKey(namespace))).toHaveLength(written.length);
  });

  it("runs in the server process when REDIS_URL is set and stops with it", async () => {
    const server = await startTestServer({ OUTBOX_PUBLISH_INTERVAL_MS: "20" });
    try {
      const row = await enqueueSubscriptionChange(server.deps.database.prisma, randomUUID(), 5);
      const key = eventStreamKey(server.deps.config.redis!.namespace);
      await vi.waitFor(async () => expect((await readEventStream(redisUrl!, key)).map((entry) => entry.id)).toEqual([row.id]), { timeout: 5_000 });
    } finally {
      await server.close();
    }
  });
});
