import { fromBinary } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { AuthProcessingEnvelopeSchema } from "../../generated/proto/user_management/v1/envelope_pb.js";
import type { Logger } from "../logger.js";

/** The Redis Stream every outbox event is appended to. */
export function eventStreamKey(namespace: string): string {
  return `${namespace}:events`;
}

/** An outbox row as the stream needs it. */
export interface StreamedEvent {
  id: string;
  sequence: bigint;
  topic: string;
  companyId: string | null;
  envelope: Uint8Array;
}

export interface AppendResult {
  /** How many of the events, from the first, are in the stream. */
  appended: number;
  /** Why the others are not. */
  error?: Error;
}

export interface EventStream {
  /** Appends the events in order, all in one MULTI; never throws. */
  append(events: StreamedEvent[]): Promise<AppendResult>;
  close(): Promise<void>;
}

export interface EventStreamOptions {
  url: string;
  namespace: string;
  logger: Logger;
  /** Approximate cap on the stream's length (`MAXLEN ~`); 0 keeps every entry. */
  maxLength: number;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

export function openEventStream(options: EventStreamOptions): EventStream {
  const key = eventStreamKey(options.namespace);
  // Commands fail fast while Redis is down: the rows stay in the outbox and the next round retries.
  const client = new Redis(options.url, {
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  // Without a listener ioredis prints every reconnect error to the console.
  client.on("error", (err: Error) => options.logger.debug({ err: err.message }, "outbox redis connection error"));
  const trim = options.maxLength > 0 ? ["MAXLEN", "~", String(options.maxLength)] : [];

  return {
    async append(events) {
      if (events.length === 0) return { appended: 0 };
      const transaction = client.multi();
      for (const event of events) transaction.xadd(key, ...trim, "*", ...streamFields(event));
      let results: [Error | null, unknown][] | null;
      try {
        results = await transaction.exec();
      } catch (err) {
        return { appended: 0, error: asError(err) };
      }
      if (!results) return { appended: 0, error: new Error("redis discarded the MULTI") };
      const failed = results.findIndex(([err]) => err !== null);
      if (failed === -1) return { appended: events.length };
      return { appended: failed, error: asError(results[failed]![0]) };
    },
    async close() {
      if (client.status === "ready") {
        try {
          await client.quit();
          return;
        } catch {
          // Fall through to the hard disconnect.
        }
      }
      client.disconnect();
    },
  };
}

/** The entry's fields, documented in the README's "Event stream" section. */
function streamFields(event: StreamedEvent): (string | Buffer)[] {
  return [
    "topic",
    event.topic,
    "company",
    event.companyId ?? "",
    "id",
    event.id,
    "sequence",
    event.sequence.toString(),
    "correlation",
    correlationIdOf(event.envelope),
    "envelope",
    Buffer.from(event.envelope),
  ];
}

// A row whose envelope does not parse is still delivered (consumers get its bytes), never stuck at the head.
function correlationIdOf(envelope: Uint8Array): string {
  try {
    return fromBinary(AuthProcessingEnvelopeSchema, envelope).correlationId;
  } catch {
    return "";
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
