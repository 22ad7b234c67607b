import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../logger.js";

export interface OutboxBacklogOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Unpublished rows from which the backlog is worth a warning. */
  thresholdRows: number;
  intervalMs: number;
}

/** Outbox rows not yet published (an index range of `published_at IS NULL`). */
export function countUnpublishedEvents(prisma: PrismaClient): Promise<number> {
  return prisma.outboxEvent.count({ where: { publishedAt: null } });
}

/**
 * Without Redis nothing publishes the outbox: its rows are kept for a publisher to deliver later.
 * This counts them now and then and warns once when they pile up, so the table does not grow unnoticed.
 */
export function watchOutboxBacklog(options: OutboxBacklogOptions): { stop(): Promise<void> } {
  const { prisma, logger, thresholdRows } = options;
  let warned = false;
  let stopped = false;
  let checking: Promise<void> = Promise.resolve();

  async function check(): Promise<void> {
    const unpublished = await countUnpublishedEvents(prisma);
    if (warned || unpublished < thresholdRows) return;
    warned = true;
    logger.warn({ unpublished, thresholdRows }, "outbox rows are piling up unpublished: set REDIS_URL so the publisher delivers them");
  }

  function run(): void {
    if (stopped) return;
    checking = check().catch((error: unknown) => logger.debug({ err: String(error) }, "outbox backlog check failed"));
  }

  run();
  const timer = setInterval(run, options.intervalMs);
  // Only a warning: it must not keep the process alive.
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await checking;
    },
  };
}
