import { randomUUID } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { AuthProcessingEnvelopeSchema, type AuthProcessingEnvelope } from "../../src/generated/proto/user_management/v1/envelope_pb.js";
import {
  SubscriptionInfo_Status,
  SubscriptionInfoSchema,
  SubscriptionTier,
  type SubscriptionInfo,
} from "../../src/generated/proto/user_management/v1/subscription_pb.js";
import { enqueueOutboxEvent, outboxEnvelope } from "../../src/platform/outbox/enqueue.js";

export const subscriptionTopic = "subscription.changed";

/** Commits one subscription event of `companyId` whose seats carry `seats`, in a transaction of its own. */
export async function enqueueSubscriptionChange(
  prisma: PrismaClient,
  companyId: string | null,
  seats: number,
): Promise<{ id: string; sequence: bigint; correlationId: string }> {
  const correlationId = randomUUID();
  const info = create(SubscriptionInfoSchema, {
    companyId: companyId ?? "",
    tier: SubscriptionTier.PRO,
    status: SubscriptionInfo_Status.ACTIVE,
    seats,
  });
  const envelope = outboxEnvelope({
    messageType: "subscription_info",
    companyId,
    payload: toBinary(SubscriptionInfoSchema, info),
    correlationId,
  });
  const row = await prisma.$transaction((tx) => enqueueOutboxEvent(tx, { topic: subscriptionTopic, companyId, envelope }));
  return { ...row, correlationId };
}

export interface StreamEntry {
  streamId: string;
  topic: string;
  company: string;
  id: string;
  sequence: bigint;
  correlation: string;
  envelope: AuthProcessingEnvelope;
  info: SubscriptionInfo;
}

/** Every entry of the stream, oldest first, with the envelope and its SubscriptionInfo decoded. */
export async function readEventStream(redisUrl: string, key: string): Promise<StreamEntry[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const entries = await redis.xrangeBuffer(key, "-", "+");
    return entries.map(([streamId, fields]) => {
      const values = new Map<string, Buffer>();
      for (let index = 0; index < fields.length; index += 2) values.set(fields[index]!.toString(), fields[index + 1]!);
      const text = (name: string) => values.get(name)?.toString() ?? "";
      const envelope = fromBinary(AuthProcessingEnvelopeSchema, values.get("envelope")!);
      return {
        streamId: streamId.toString(),
        topic: text("topic"),
        company: text("company"),
        id: text("id"),
        sequence: BigInt(text("sequence")),
        correlation: text("correlation"),
        envelope,
        info: fromBinary(SubscriptionInfoSchema, envelope.payload),
      };
    });
  } finally {
    redis.disconnect();
  }
}

/** The sequences of each company's entries, in stream order. */
export function sequencesByCompany(entries: { company: string; sequence: bigint }[]): Map<string, bigint[]> {
  const byCompany = new Map<string, bigint[]>();
  for (const entry of entries) byCompany.set(entry.company, [...(byCompany.get(entry.company) ?? []), entry.sequence]);
  return byCompany;
}

export function isIncreasing(values: bigint[]): boolean {
  return values.every((value, index) => index === 0 || value > values[index - 1]!);
}
