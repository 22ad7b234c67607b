import type { Config } from "../../config.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { watchOutboxBacklog } from "./backlog.js";
import { startOutboxPublisher } from "./publisher.js";

/** The outbox's background work in this process; stopped before the database closes. */
export interface OutboxWorker {
  stop(): Promise<void>;
}

const backlogCheckIntervalMs = 60_000;

/** With Redis, the publisher; without it (the embedded default), rows are kept and a growing backlog is warned about. */
export function startOutbox(options: { prisma: PrismaClient; config: Config; logger: Logger }): OutboxWorker {
  const { prisma, config } = options;
  const logger = options.logger.child({ component: "outbox" });
  if (!config.redis) {
    return watchOutboxBacklog({ prisma, logger, thresholdRows: config.outbox.backlogWarningRows, intervalMs: backlogCheckIntervalMs });
  }
  return startOutboxPublisher({
    prisma,
    logger,
    redisUrl: config.redis.url,
    namespace: config.redis.namespace,
    intervalMs: config.outbox.publishIntervalMs,
    batchSize: config.outbox.batchSize,
    streamMaxLength: config.outbox.streamMaxLength,
  });
}
