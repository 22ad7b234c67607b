import type { Config } from "../../config.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { hasPermission } from "../../permissions/roles.js";
import { lockFor } from "../../platform/db/locks.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { distinctUuids } from "../../platform/ids.js";
import type { Logger } from "../../platform/logger.js";
import { PaymentUnavailableError, type PaymentOutcome, type PaymentProvider, type PaymentRequest } from "../../platform/payments/payment-provider.js";
import type { SessionGuard } from "../auth/session-guard.js";
import { recordAudit, type Actor } from "../security/audit.service.js";
import type { InvoiceLine } from "./proration.js";
import { planChange, type ChangeRequest, type PlannedChange, type SubscriptionState } from "./subscription-change.js";
import { enqueueSubscriptionChanged } from "./subscription-events.js";
import { featuresOf, seatsOf, type Feature } from "./tiers.js";

export interface SubscriptionsDeps {
  prisma: PrismaClient;
  guard: Pick<SessionGuard, "planChanged">;
  payments: PaymentProvider;
  logger: Logger;
  config: Pick<Config, "billing">;
  clock?: () => number;
}

export const subscriptionSelect = {
  companyId: true,
  tier: true,
  status: true,
  billingCycle: true,
  currentPeriodStart: true,
  currentPeriodEnd: true,
  cancelAtPeriodEnd: true,
  pendingTier: true,
  pendingBillingCycle: true,
  seatLimit: true,
  version: true,
} as const satisfies Prisma.SubscriptionSelect;

export type SubscriptionRecord = Prisma.SubscriptionGetPayload<{ select: typeof subscriptionSelect }>;

/** A company's subscription as the API shows it. */
export interface SubscriptionView extends SubscriptionState {
  companyId: string;
  features: readonly Feature[];
  /** Members the plan allows. */
  seats: number;
}

export const invoiceSelect = {
  id: true,
  companyId: true,
  amountCents: true,
  currency: true,
  description: true,
  lines: true,
  status: true,
  providerReference: true,
  createdAt: true,
} as const satisfies Prisma.InvoiceSelect;

export type InvoiceRecord = Omit<Prisma.InvoiceGetPayload<{ select: typeof invoiceSelect }>, "lines"> & { lines: InvoiceLine[] };

type InvoiceRow = Prisma.InvoiceGetPayload<{ select: typeof invoiceSelect }>;
const asInvoice = (row: InvoiceRow): InvoiceRecord => ({ ...row, lines: row.lines as unknown as InvoiceLine[] });

function toView(record: SubscriptionRecord, billing: Config["billing"]): SubscriptionView {
  const { version: _version, ...state } = record;
  return { ...state, features: featuresOf(record.tier), seats: seatsOf(record.tier, record.seatLimit, billing.enterpriseSeatsDefault) };
}

function now(deps: Pick<SubscriptionsDeps, "clock">): Date {
  return new Date((deps.clock ?? Date.now)());
}

/** Each company's subscription in the order asked (one query), null for a company without one. */
export async function findSubscriptions(deps: Pick<SubscriptionsDeps, "prisma" | "config">, companyIds: readonly string[]): Promise<(SubscriptionView | null)[]> {
  const wanted = distinctUuids(companyIds);
  const rows = wanted.length ? await deps.prisma.subscription.findMany({ where: { companyId: { in: wanted } }, select: subscriptionSelect }) : [];
  const byCompany = new Map(rows.map((row) => [row.companyId, toView(row, deps.config.billing)]));
  return companyIds.map((id) => byCompany.get(id.toLowerCase()) ?? null);
}

/** The company's invoices, newest first. */
export async function listInvoices(deps: Pick<SubscriptionsDeps, "prisma">, companyId: string, first: number): Promise<InvoiceRecord[]> {
  const rows = await deps.prisma.invoice.findMany({
    where: { companyId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(first, 1), 100),
    select: invoiceSelect,
  });
  return rows.map(asInvoice);
}

type Tx = Prisma.TransactionClient;

/** Serialises changes of the company's subscription across replicas; FORBIDDEN unless the actor holds billing.manage there. */
async function lockedSubscription(tx: Tx, companyId: string, actorId: string): Promise<SubscriptionRecord> {
  await lockFor(tx, `subscription:${companyId}`);
  const membership = await tx.membership.findUnique({ where: { userId_companyId: { userId: actorId, companyId } }, select: { role: true, status: true } });
  if (membership?.status !== "ACTIVE" || !hasPermission(membership.role, "billing.manage")) {
    throw new DomainError(ErrorCode.FORBIDDEN, "This needs the billing.manage permission in this company");
  }
  const subscription = await tx.subscription.findUnique({ where: { companyId }, select: subscriptionSelect });
  if (!subscription) throw new DomainError(ErrorCode.NOT_FOUND, "The company has no subscription", ["companyId"]);
  return subscription;
}

/** A charge claimed by another call is under way; one claimed longer ago than the timeout was abandoned (a crashed replica) and is voided. */
const unansweredCharge = "the payment provider did not answer; the same change retries this invoice";

/**
 * The invoice of the same change at the same subscription version whose charge the provider never answered: a
 * retry charges it again under its own id (the idempotency key), so a charge that did go through is not made twice.
 */
async function unansweredClaimOf(tx: Tx, companyId: string, request: ChangeRequest, version: number) {
  const pending = await tx.invoice.findMany({
    where: { companyId, status: "PENDING", subscriptionVersion: version, failureReason: unansweredCharge },
    select: { id: true, createdAt: true, change: true },
  });
  return pending.find((invoice) => {
    const change = invoice.change as { action?: string; targetTier?: string | null; billingCycle?: string | null };
    return change.action === request.action && change.targetTier === (request.targetTier ?? null) && change.billingCycle === (request.billingCycle ?? null);
  });
}

async function requireNoChargeUnderWay(tx: Tx, deps: SubscriptionsDeps, companyId: string, at: Date): Promise<void> {
  const abandonedBefore = new Date(at.getTime() - deps.config.billing.claimTimeoutSeconds * 1000);
  await tx.invoice.updateMany({
    where: { companyId, status: "PENDING", createdAt: { lte: abandonedBefore } },
    data: { status: "VOID", failureReason: "abandoned: the charge never finished" },
  });
  if (await tx.invoice.count({ where: { companyId, status: "PENDING" } })) {
    throw new DomainError(ErrorCode.SUBSCRIPTION_CHANGE_IN_PROGRESS, "Another change of this subscription is being charged; try again in a moment");
  }
}

/** What every replica must learn once a change has committed. */
interface PlanChange {
  companyId: string;
  tier: SubscriptionState["tier"];
  at: Date;
}

/**
 * Inside the change's transaction: moves the company's token marker (its access tokens issued before it stop, so the
 * next refresh carries the new plan), writes the change's outbox event last, and returns what to publish after commit.
 */
async function announceSubscriptionChange(tx: Tx, change: PlanChange, view: SubscriptionRecord, applying: Applying): Promise<PlanChange> {
  await tx.subscription.update({ where: { companyId: change.companyId }, data: { planChangedAt: change.at } });
  await enqueueSubscriptionChanged(tx, view, { actor: applying.actor, correlationId: applying.actor.correlationId, at: change.at, enterpriseSeatsDefault: applying.enterpriseSeatsDefault });
  return change;
}

/** After commit: this replica's session guard, and every other by pub/sub, refuse the company's older tokens. */
async function propagateSubscriptionChange(deps: SubscriptionsDeps, change: PlanChange): Promise<void> {
  await deps.guard.planChanged(change.companyId, change.tier, change.at);
}

interface Applying {
  actor: Actor;
  companyId: string;
  from: SubscriptionRecord;
  planned: PlannedChange;
  invoiceId: string;
  providerReference: string | null;
  at: Date;
  enterpriseSeatsDefault: number;
}

/** Writes the change, its paid invoice and its audit event; null when the subscription moved on since it was priced. */
async function applyChange(tx: Tx, applying: Applying): Promise<{ view: SubscriptionRecord; announcement: PlanChange } | null> {
  const { actor, companyId, from, planned } = applying;
  const updated = await tx.subscription.updateMany({ where: { companyId, version: from.version }, data: { ...planned.next, version: { increment: 1 } } });
  if (updated.count === 0) return null;
  await tx.invoice.update({ where: { id: applying.invoiceId }, data: { status: "PAID", providerReference: applying.providerReference } });
  const view = await tx.subscription.findUniqueOrThrow({ where: { companyId }, select: subscriptionSelect });
  await recordAudit(tx, {
    action: `subscription.${planned.action.toLowerCase()}`,
    actorId: actor.userId,
    companyId,
    targetType: "subscription",
    targetId: companyId,
    metadata: {
      from: { tier: from.tier, billingCycle: from.billingCycle },
      to: { tier: view.tier, billingCycle: view.billingCycle, cancelAtPeriodEnd: view.cancelAtPeriodEnd, pendingTier: view.pendingTier },
      invoiceId: applying.invoiceId,
      amountCents: planned.amountCents,
    },
    client: actor,
  });
  const announcement = await announceSubscriptionChange(tx, { companyId, tier: view.tier, at: applying.at }, view, applying);
  return { view, announcement };
}

async function settleUnpaid(deps: SubscriptionsDeps, invoiceId: string, status: "DECLINED" | "VOID", reason: string, actor: Actor, companyId: string) {
  await deps.prisma.$transaction(async (tx) => {
    await tx.invoice.update({ where: { id: invoiceId }, data: { status, failureReason: reason.slice(0, 500) } });
    await recordAudit(tx, {
      action: status === "DECLINED" ? "subscription.payment_declined" : "subscription.payment_voided",
      actorId: actor.userId,
      companyId,
      targetType: "invoice",
      targetId: invoiceId,
      metadata: { reason: reason.slice(0, 200) },
      client: actor,
    });
  });
}

/** Charges the claimed invoice outside any transaction; the invoice id is the idempotency key. */
async function charge(deps: SubscriptionsDeps, request: PaymentRequest, actor: Actor): Promise<PaymentOutcome> {
  try {
    return await deps.payments.charge(request);
  } catch (error) {
    if (error instanceof PaymentUnavailableError) {
      // Unanswered is not declined: the charge may have gone through, so the invoice stays open for the retry.
      await deps.prisma.invoice.update({ where: { id: request.invoiceId }, data: { failureReason: unansweredCharge } });
      throw new DomainError(ErrorCode.PAYMENT_UNAVAILABLE, "The payment provider cannot be reached; nothing was changed, try the same change again later");
    }
    await settleUnpaid(deps, request.invoiceId, "VOID", "the charge failed unexpectedly", actor, request.companyId);
    throw error;
  }
}

export interface SubscriptionChangeResult {
  subscription: SubscriptionView;
  invoice: InvoiceRecord;
}

/**
 * Changes the company's subscription for a caller holding billing.manage there. A change that costs something is
 * claimed first (a PENDING invoice, in a short transaction under the company's subscription lock, which also refuses
 * a second claim), charged outside the transaction with the invoice id as idempotency key, then applied in a second
 * transaction only if the subscription is still at the version it was priced for. Free changes apply in one step.
 */
export async function changeSubscription(deps: SubscriptionsDeps, actor: Actor, companyId: string, request: ChangeRequest): Promise<SubscriptionChangeResult> {
  const { currency, enterpriseSeatsDefault } = deps.config.billing;
  const at = now(deps);
  const claim = await deps.prisma.$transaction(async (tx) => {
    const from = await lockedSubscription(tx, companyId, actor.userId);
    // The member count decides a downgrade: joins wait for it.
    await lockFor(tx, `company-members:${companyId}`);
    const activeMembers = await tx.membership.count({ where: { companyId, status: "ACTIVE" } });
    const unanswered = await unansweredClaimOf(tx, companyId, request, from.version);
    if (unanswered) {
      // Priced as at its first attempt, so the provider sees the very same charge again.
      const planned = planChange(from, request, { at: unanswered.createdAt, activeMembers, enterpriseSeatsDefault });
      return { from, planned, invoiceId: unanswered.id, applied: null };
    }
    await requireNoChargeUnderWay(tx, deps, companyId, at);
    const planned = planChange(from, request, { at, activeMembers, enterpriseSeatsDefault });
    const invoice = await tx.invoice.create({
      data: {
        companyId,
        amountCents: planned.amountCents,
        currency,
        description: planned.description,
        lines: planned.lines as unknown as Prisma.InputJsonValue,
        status: "PENDING",
        change: { action: request.action, targetTier: request.targetTier ?? null, billingCycle: request.billingCycle ?? null },
        subscriptionVersion: from.version,
        createdAt: at,
      },
      select: { id: true },
    });
    const applied = planned.amountCents === 0 ? await applyChange(tx, { actor, companyId, from, planned, invoiceId: invoice.id, providerReference: null, at, enterpriseSeatsDefault: deps.config.billing.enterpriseSeatsDefault }) : null;
    return { from, planned, invoiceId: invoice.id, applied };
  });

  let applied = claim.applied;
  if (claim.planned.amountCents > 0) {
    const request: PaymentRequest = { invoiceId: claim.invoiceId, companyId, amountCents: claim.planned.amountCents, currency, description: claim.planned.description };
    const outcome = await charge(deps, request, actor);
    if (outcome.status === "declined") {
      await settleUnpaid(deps, claim.invoiceId, "DECLINED", outcome.reason, actor, companyId);
      throw new DomainError(ErrorCode.PAYMENT_FAILED, `The payment was declined (${outcome.reason}); nothing was changed`);
    }
    const appliedAt = now(deps);
    applied = await deps.prisma.$transaction(async (tx) => {
      await lockFor(tx, `subscription:${companyId}`);
      return applyChange(tx, { ...claim, actor, companyId, providerReference: outcome.providerReference, at: appliedAt, enterpriseSeatsDefault: deps.config.billing.enterpriseSeatsDefault });
    });
    if (!applied) {
      await refundStale(deps, { ...request, providerReference: outcome.providerReference }, actor);
      throw new DomainError(ErrorCode.SUBSCRIPTION_CHANGE_IN_PROGRESS, "The subscription changed while this change was being charged; the charge was refunded");
    }
  }
  if (!applied) throw new DomainError(ErrorCode.SUBSCRIPTION_CHANGE_IN_PROGRESS, "The subscription changed meanwhile; try again");
  await propagateSubscriptionChange(deps, applied.announcement);
  const invoice = await deps.prisma.invoice.findUniqueOrThrow({ where: { id: claim.invoiceId }, select: invoiceSelect });
  return { subscription: toView(applied.view, deps.config.billing), invoice: asInvoice(invoice) };
}

/** A charge that can no longer be applied (its claim was taken for abandoned meanwhile) is voided and refunded. */
async function refundStale(deps: SubscriptionsDeps, request: PaymentRequest & { providerReference: string }, actor: Actor): Promise<void> {
  await settleUnpaid(deps, request.invoiceId, "VOID", "the subscription changed while charging; refunded", actor, request.companyId);
  try {
    await deps.payments.refund(request);
  } catch (error) {
    deps.logger.error({ err: error, invoiceId: request.invoiceId }, "refund of a stale subscription charge failed; refund it by hand");
  }
}
