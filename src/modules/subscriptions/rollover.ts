import type { Prisma } from "../../generated/prisma/client.js";
import type { BillingCycle, SubscriptionTier } from "../../generated/prisma/enums.js";
import { jobRunId } from "../../platform/correlation.js";
import { lockFor } from "../../platform/db/locks.js";
import { PaymentUnavailableError, type PaymentRequest } from "../../platform/payments/payment-provider.js";
import { recordAudit } from "../security/audit.service.js";
import { enqueueSubscriptionChanged } from "./subscription-events.js";
import { subscriptionSelect, type SubscriptionRecord, type SubscriptionsDeps } from "./subscriptions.service.js";
import { periodEnd, priceOf } from "./tiers.js";

type Tx = Prisma.TransactionClient;

export interface RolloverSettings {
  /** How long an unpaid renewal stays PAST_DUE (paid features kept, renewal retried each run) before it EXPIRES. */
  graceSeconds: number;
  /** Subscriptions handled per run; the next run takes the rest. */
  batchSize: number;
}

export interface RolloverReport {
  renewed: number;
  movedToFree: number;
  pastDue: number;
  expired: number;
}

/** One run: the moment it judges periods against, and the correlation id its audit and outbox events carry. */
interface Run {
  at: Date;
  correlationId: string;
}

/** What a period's end does to a subscription; `renew` needs a charge first. */
type Outcome =
  | { kind: "free"; tier: SubscriptionTier; cycle: BillingCycle; counted: keyof RolloverReport | null }
  | { kind: "renew"; tier: SubscriptionTier; cycle: BillingCycle; amountCents: number }
  | { kind: "expire" };

function outcomeOf(subscription: SubscriptionRecord, at: Date, settings: RolloverSettings): Outcome {
  if (subscription.status === "PAST_DUE" && at.getTime() >= subscription.currentPeriodEnd.getTime() + settings.graceSeconds * 1000) return { kind: "expire" };
  if (subscription.cancelAtPeriodEnd) return { kind: "free", tier: "FREE", cycle: "MONTHLY", counted: "movedToFree" };
  const tier = subscription.pendingTier ?? subscription.tier;
  const cycle = subscription.pendingBillingCycle ?? subscription.billingCycle;
  const amountCents = priceOf(tier, cycle);
  if (amountCents > 0) return { kind: "renew", tier, cycle, amountCents };
  return { kind: "free", tier, cycle, counted: subscription.tier === "FREE" ? null : "movedToFree" };
}

/**
 * Ends the periods that are over: pending cancellations and downgrades apply, paid plans renew through the
 * payment port (invoice id as idempotency key), an unpaid renewal is PAST_DUE and EXPIRES to FREE after the
 * grace period. Each subscription is handled under its company's subscription lock and re-read there, so two
 * runs at once (two replicas) apply each period's end once.
 */
export async function runSubscriptionRollover(
  deps: SubscriptionsDeps,
  settings: RolloverSettings,
  at = new Date((deps.clock ?? Date.now)()),
  correlationId = jobRunId("subscription-rollover"),
): Promise<RolloverReport> {
  const run: Run = { at, correlationId };
  const report: RolloverReport = { renewed: 0, movedToFree: 0, pastDue: 0, expired: 0 };
  const due = await deps.prisma.subscription.findMany({
    where: { currentPeriodEnd: { lte: at }, status: { in: ["ACTIVE", "PAST_DUE"] } },
    orderBy: { currentPeriodEnd: "asc" },
    take: settings.batchSize,
    select: { companyId: true },
  });
  for (const { companyId } of due) {
    try {
      const counted = await rollOver(deps, settings, companyId, run);
      if (counted) report[counted] += 1;
    } catch (error) {
      deps.logger.error({ err: error, companyId }, "subscription rollover failed for one company; the next run retries it");
    }
  }
  return report;
}

async function lockedDue(tx: Tx, companyId: string, at: Date): Promise<SubscriptionRecord | null> {
  await lockFor(tx, `subscription:${companyId}`);
  const subscription = await tx.subscription.findUnique({ where: { companyId }, select: subscriptionSelect });
  const isDue = subscription && subscription.currentPeriodEnd <= at && (subscription.status === "ACTIVE" || subscription.status === "PAST_DUE");
  return isDue ? subscription : null;
}

async function rollOver(deps: SubscriptionsDeps, settings: RolloverSettings, companyId: string, run: Run): Promise<keyof RolloverReport | null> {
  const { at } = run;
  const claimed = await deps.prisma.$transaction(async (tx) => {
    const subscription = await lockedDue(tx, companyId, at);
    if (!subscription) return null;
    const outcome = outcomeOf(subscription, at, settings);
    const open = await tx.invoice.findFirst({
      where: { companyId, status: "PENDING" },
      select: { id: true, description: true, createdAt: true, change: true, failureReason: true, subscriptionVersion: true },
    });
    if (open) {
      const claimedSince = new Date(at.getTime() - deps.config.billing.claimTimeoutSeconds * 1000);
      const retriable = (open.change as { action?: string }).action === "RENEWAL" && open.subscriptionVersion === subscription.version && (open.failureReason === unansweredRenewal || open.createdAt <= claimedSince);
      // Another run (or a change) is charging right now: it applies the period's end.
      if (!retriable || outcome.kind !== "renew") return null;
      return { kind: "charge" as const, subscription, outcome, invoice: open };
    }
    if (outcome.kind === "expire") {
      const tier = await write(deps, tx, subscription, { tier: "FREE", status: "EXPIRED", ...noPending }, "subscription.expired", run);
      return { kind: "done" as const, counted: "expired" as const, tier };
    }
    if (outcome.kind === "free") {
      const period = nextPeriod(subscription.currentPeriodEnd, outcome.cycle, at);
      const tier = await write(deps, tx, subscription, { tier: outcome.tier, billingCycle: outcome.cycle, status: "ACTIVE", ...period, ...noPending }, outcome.counted ? "subscription.moved_to_free" : null, run);
      return { kind: "done" as const, counted: outcome.counted, tier };
    }
    const invoice = await tx.invoice.create({
      data: {
        companyId,
        amountCents: outcome.amountCents,
        currency: deps.config.billing.currency,
        description: `Renewal of ${outcome.tier} (${outcome.cycle.toLowerCase()})`,
        lines: [{ description: `${outcome.tier} (${outcome.cycle.toLowerCase()}) from ${subscription.currentPeriodEnd.toISOString()}`, amountCents: outcome.amountCents }],
        status: "PENDING",
        change: { action: "RENEWAL", targetTier: outcome.tier, billingCycle: outcome.cycle },
        subscriptionVersion: subscription.version,
        createdAt: at,
      },
      select: { id: true, description: true },
    });
    return { kind: "charge" as const, subscription, outcome, invoice };
  });
  if (!claimed) return null;
  if (claimed.kind === "done") {
    await deps.guard.planChanged(companyId, claimed.tier, at);
    return claimed.counted;
  }

  const { subscription, outcome, invoice } = claimed;
  const request: PaymentRequest = { invoiceId: invoice.id, companyId, amountCents: outcome.amountCents, currency: deps.config.billing.currency, description: invoice.description };
  let result: Awaited<ReturnType<typeof deps.payments.charge>>;
  try {
    result = await deps.payments.charge(request);
  } catch (error) {
    if (!(error instanceof PaymentUnavailableError)) throw error;
    // Unanswered is not declined: the charge may have gone through, so the next run charges this same invoice.
    await deps.prisma.invoice.update({ where: { id: invoice.id }, data: { failureReason: unansweredRenewal } });
    return null;
  }
  const settled = await deps.prisma.$transaction(async (tx) => {
    const current = await lockedDue(tx, companyId, at);
    if (!current || current.version !== subscription.version) {
      await tx.invoice.update({ where: { id: invoice.id }, data: { status: "VOID", failureReason: "the subscription changed while renewing" } });
      return { counted: null, tier: null, refund: result.status === "approved" ? result.providerReference : null };
    }
    if (result.status === "declined") {
      await tx.invoice.update({ where: { id: invoice.id }, data: { status: "DECLINED", failureReason: result.reason.slice(0, 500) } });
      if (current.status === "PAST_DUE") return null;
      return { counted: "pastDue" as const, tier: await write(deps, tx, current, { status: "PAST_DUE" }, "subscription.past_due", run), refund: null };
    }
    await tx.invoice.update({ where: { id: invoice.id }, data: { status: "PAID", providerReference: result.providerReference } });
    const period = nextPeriod(current.currentPeriodEnd, outcome.cycle, at);
    const tier = await write(deps, tx, current, { tier: outcome.tier, billingCycle: outcome.cycle, status: "ACTIVE", ...period, ...noPending }, "subscription.renewed", run);
    return { counted: "renewed" as const, tier, refund: null };
  });
  if (settled?.refund) await refundStaleRenewal(deps, { ...request, providerReference: settled.refund });
  if (!settled?.tier) return null;
  await deps.guard.planChanged(companyId, settled.tier, at);
  return settled.counted;
}

const noPending = { cancelAtPeriodEnd: false, pendingTier: null, pendingBillingCycle: null } as const;
const unansweredRenewal = "the payment provider did not answer; the next run charges this invoice again";

/** A renewal charged for a subscription that changed meanwhile is given back. */
async function refundStaleRenewal(deps: SubscriptionsDeps, request: PaymentRequest & { providerReference: string }): Promise<void> {
  try {
    await deps.payments.refund(request);
  } catch (error) {
    deps.logger.error({ err: error, invoiceId: request.invoiceId }, "refund of a stale renewal failed; refund it by hand");
  }
}

/** The period after one that ended at `end`; one that would already be over starts now instead (the job was off). */
function nextPeriod(end: Date, cycle: BillingCycle, at: Date): { currentPeriodStart: Date; currentPeriodEnd: Date } {
  const start = periodEnd(end, cycle) > at ? end : at;
  return { currentPeriodStart: start, currentPeriodEnd: periodEnd(start, cycle) };
}

/** Applies a period's end with its audit event, the company's token marker and its outbox event; returns the tier now. */
async function write(
  deps: SubscriptionsDeps,
  tx: Tx,
  from: SubscriptionRecord,
  data: Prisma.SubscriptionUpdateInput & { tier?: SubscriptionTier },
  action: string | null,
  { at, correlationId }: Run,
): Promise<SubscriptionTier> {
  const updated = await tx.subscription.update({ where: { companyId: from.companyId }, data: { ...data, version: { increment: 1 }, planChangedAt: at }, select: subscriptionSelect });
  if (action) {
    await recordAudit(tx, {
      action,
      actorId: null,
      companyId: from.companyId,
      targetType: "subscription",
      targetId: from.companyId,
      metadata: { from: { tier: from.tier, status: from.status }, to: { tier: updated.tier, status: updated.status, currentPeriodEnd: updated.currentPeriodEnd.toISOString() } },
      client: { ip: null, userAgent: null, correlationId },
    });
  }
  await enqueueSubscriptionChanged(tx, updated, { actor: null, correlationId, at, enterpriseSeatsDefault: deps.config.billing.enterpriseSeatsDefault });
  return updated.tier;
}
