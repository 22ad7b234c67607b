import type { PrismaClient } from "../../generated/prisma/client.js";
import { tryLockFor } from "../db/locks.js";
import type { Logger } from "../logger.js";
import { openEventStream, type AppendResult } from "./event-stream.js";

export interface OutboxPublisherOptions {
  prisma: PrismaClient;
  redisUrl: string;
  namespace: string;
  logger: Logger;
  /** Pause between rounds that found nothing more to publish. */
  intervalMs: number;
  /** Rows per round, appended in one MULTI. */
  batchSize: number;
  /** Approximate cap on the stream's length; 0 keeps every entry. */
  streamMaxLength?: number;
  /** Upper bound on one Redis round trip, so a stalled Redis cannot hold the round's transaction open. */
  commandTimeoutMs?: number;
}

export interface OutboxPublisher {
  /** Finishes the round under way and closes the Redis connection; call before closing the database. */
  stop(): Promise<void>;
  /** Runs one round now (after any round under way); resolves with the rows it published. */
  publishOnce(): Promise<number>;
}

/** One publisher at a time, across every replica, so rows reach the stream in `sequence` order. */
const publisherLockKey = "outbox:publisher";

interface RoundResult extends AppendResult {
  kept: number;
  /** Nothing was tried: no rows waiting, or another replica held the publisher lock. */
  skipped?: boolean;
}

/**
 * Delivers outbox rows to `<namespace>:events` at least once, in `sequence` order (so in order per
 * company), and marks them published. Every replica runs one; each round takes an advisory lock
 * and the replicas that do not get it skip the round. A Redis failure ends the round with the rest of
 * the rows kept (attempts and last_error recorded) for the next one.
 */
export function startOutboxPublisher(options: OutboxPublisherOptions): OutboxPublisher {
  const { prisma, batchSize, intervalMs } = options;
  const logger = options.logger;
  const stream = openEventStream({
    url: options.redisUrl,
    namespace: options.namespace,
    logger,
    maxLength: options.streamMaxLength ?? 0,
    commandTimeoutMs: options.commandTimeoutMs,
  });
  const health = failureReporter(logger);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let previous: Promise<unknown> = Promise.resolve();

  async function round(): Promise<RoundResult> {
    // An idle round is one indexed read, without a transaction or a lock.
    const waiting = await prisma.outboxEvent.findFirst({ where: { publishedAt: null }, select: { id: true } });
    if (!waiting) return { appended: 0, kept: 0, skipped: true };
    // The transaction spans the XADDs: the lock must be held until the rows are marked.
    return prisma.$transaction(
      async (tx) => {
        if (!(await tryLockFor(tx, publisherLockKey))) return { appended: 0, kept: 0, skipped: true };
        const rows = await tx.outboxEvent.findMany({
          where: { publishedAt: null },
          orderBy: { sequence: "asc" },
          take: batchSize,
          select: { id: true, sequence: true, topic: true, companyId: true, envelope: true },
        });
        if (rows.length === 0) return { appended: 0, kept: 0, skipped: true };
        const result = await stream.append(rows);
        const published = rows.slice(0, result.appended).map((row) => row.id);
        const kept = rows.slice(result.appended).map((row) => row.id);
        if (published.length > 0) {
          await tx.outboxEvent.updateMany({ where: { id: { in: published } }, data: { publishedAt: new Date(), lastError: null } });
        }
        if (result.error && kept.length > 0) {
          await tx.outboxEvent.updateMany({
            where: { id: { in: kept } },
            data: { attempts: { increment: 1 }, lastError: result.error.message.slice(0, 500) },
          });
        }
        return { ...result, kept: kept.length };
      },
      { maxWait: 5_000, timeout: 60_000 },
    );
  }

  function publishOnce(): Promise<number> {
    if (stopped) return Promise.reject(new Error("the outbox publisher is stopped"));
    const next = previous.then(async () => {
      const result = await round();
      if (result.skipped) return 0;
      if (result.error) health.failed(result.error, { published: result.appended, kept: result.kept });
      else health.succeeded(result.appended);
      return result.appended;
    });
    previous = next.catch(() => undefined);
    return next;
  }

  async function tick(): Promise<void> {
    timer = undefined;
    let published = 0;
    try {
      published = await publishOnce();
    } catch (error) {
      health.failed(error instanceof Error ? error : new Error(String(error)), {});
    }
    // A full batch means more may be waiting: go again at once instead of after the interval.
    if (!stopped) timer = setTimeout(() => void tick(), published === batchSize ? 0 : intervalMs);
  }

  timer = setTimeout(() => void tick(), 0);
  return {
    publishOnce,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await previous;
      await stream.close();
    },
  };
}

/** Warns once when publishing starts failing and once when it recovers, not once per round or row. */
function failureReporter(logger: Logger) {
  let failingSince: Date | undefined;
  return {
    failed(error: Error, details: { published?: number; kept?: number }) {
      if (failingSince) {
        logger.debug({ err: error.message, ...details }, "outbox publishing still failing");
        return;
      }
      failingSince = new Date();
      logger.warn({ err: error.message, ...details }, "outbox publishing failed; rows are kept and retried every round until it works");
    },
    succeeded(published: number) {
      if (!failingSince) return;
      logger.info({ published, failingSince: failingSince.toISOString() }, "outbox publishing resumed");
      failingSince = undefined;
    },
  };
}
