import { create, toBinary } from "@bufbuild/protobuf";
import type { Prisma } from "../../generated/prisma/client.js";
import {
  SubscriptionInfo_BillingCycle,
  SubscriptionInfo_Status,
  SubscriptionInfoSchema,
  SubscriptionTier,
} from "../../generated/proto/user_management/v1/subscription_pb.js";
import { enqueueOutboxEvent, outboxEnvelope } from "../../platform/outbox/enqueue.js";
import type { Actor } from "../security/audit.service.js";
import { featuresOf, seatsOf } from "./tiers.js";

/** Topic of every subscription change on the event stream (README: Event stream). */
export const subscriptionChangedTopic = "subscription.changed";

export interface ChangedSubscription {
  companyId: string;
  tier: keyof typeof SubscriptionTier;
  status: "ACTIVE" | "CANCELED" | "PAST_DUE" | "EXPIRED";
  billingCycle: "MONTHLY" | "YEARLY";
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  seatLimit: number | null;
}

/** Writes the change's SubscriptionInfo, in its AuthProcessingEnvelope, to the outbox inside the change's transaction. */
export async function enqueueSubscriptionChanged(
  tx: Prisma.TransactionClient,
  subscription: ChangedSubscription,
  context: { actor: Pick<Actor, "userId" | "ip"> | null; correlationId: string | undefined; at: Date; enterpriseSeatsDefault: number },
): Promise<void> {
  const info = create(SubscriptionInfoSchema, {
    companyId: subscription.companyId,
    tier: SubscriptionTier[subscription.tier],
    status: SubscriptionInfo_Status[subscription.status],
    currentPeriodStart: BigInt(subscription.currentPeriodStart.getTime()),
    currentPeriodEnd: BigInt(subscription.currentPeriodEnd.getTime()),
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    seats: seatsOf(subscription.tier, subscription.seatLimit, context.enterpriseSeatsDefault),
    features: [...featuresOf(subscription.tier)],
    billingCycle: SubscriptionInfo_BillingCycle[subscription.billingCycle],
  });
  const envelope = outboxEnvelope({
    messageType: "subscription_info",
    userId: context.actor?.userId,
    companyId: subscription.companyId,
    payload: toBinary(SubscriptionInfoSchema, info),
    correlationId: context.correlationId ?? "",
    clientIp: context.actor?.ip ?? undefined,
    at: context.at,
  });
  await enqueueOutboxEvent(tx, { topic: subscriptionChangedTopic, companyId: subscription.companyId, envelope });
}
