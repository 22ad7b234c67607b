import { create, toBinary } from "@bufbuild/protobuf";
import type { Prisma } from "../../generated/prisma/client.js";
import { AuthProcessingEnvelopeSchema } from "../../generated/proto/user_management/v1/envelope_pb.js";
import { lockFor } from "../db/locks.js";

/** `service_source` of every envelope this service writes. */
export const outboxServiceSource = "user-management";

export interface OutboxEnvelopeInput {
  /** Names the message in `payload`, e.g. "subscription_info". */
  messageType: string;
  userId?: string;
  /** The company the event is about; null when it is about none. */
  companyId: string | null;
  /** The serialized inner message, e.g. `toBinary(SubscriptionInfoSchema, info)`. */
  payload: Uint8Array;
  correlationId: string;
  clientIp?: string;
  /** When the change happened; now by default. */
  at?: Date;
}

/** The serialized `user_management.v1.AuthProcessingEnvelope` around an event's message. */
export function outboxEnvelope(input: OutboxEnvelopeInput): Uint8Array<ArrayBuffer> {
  const envelope = create(AuthProcessingEnvelopeSchema, {
    messageType: input.messageType,
    userId: input.userId ?? "",
    companyId: input.companyId ?? "",
    payload: input.payload,
    timestamp: BigInt((input.at ?? new Date()).getTime()),
    serviceSource: outboxServiceSource,
    correlationId: input.correlationId,
    clientIp: input.clientIp ?? "",
  });
  return toBinary(AuthProcessingEnvelopeSchema, envelope);
}

export interface OutboxEventInput {
  /** What happened, e.g. "subscription.changed"; consumers filter on it. */
  topic: string;
  /** The company whose events stay in order; null for events about no company. */
  companyId: string | null;
  /** From `outboxEnvelope`. */
  envelope: Uint8Array<ArrayBuffer>;
}

/**
 * Writes an outbox row inside the caller's transaction, so the event exists exactly when the change
 * commits. Call it last in the transaction: it holds the company's outbox lock until the transaction
 * ends, so rows of one company commit in `sequence` order and the publisher never sees a later row first.
 * Events of no company share one such lock. A transaction writing events of several companies
 * enqueues them in company id order, as every other transaction must, or two of them can deadlock.
 */
export async function enqueueOutboxEvent(tx: Prisma.TransactionClient, event: OutboxEventInput): Promise<{ id: string; sequence: bigint }> {
  if (event.topic.trim() === "") throw new Error("an outbox event needs a topic");
  await lockFor(tx, outboxOrderingLockKey(event.companyId));
  return tx.outboxEvent.create({
    data: { topic: event.topic, companyId: event.companyId, envelope: event.envelope },
    select: { id: true, sequence: true },
  });
}

function outboxOrderingLockKey(companyId: string | null): string {
  return companyId === null ? "outbox:no-company" : `outbox:company:${companyId}`;
}
