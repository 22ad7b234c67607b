import type { SubscriptionTier } from "../../permissions/principal.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { prorate, type InvoiceLine } from "./proration.js";
import { compareTiers, periodEnd, priceOf, seatsOf, type BillingCycle } from "./tiers.js";

export type SubscriptionAction = "UPGRADE" | "DOWNGRADE" | "CANCEL" | "REACTIVATE";
export type SubscriptionStatus = "ACTIVE" | "CANCELED" | "PAST_DUE" | "EXPIRED";

/** The subscription columns a change reads and writes. */
export interface SubscriptionState {
  tier: SubscriptionTier;
  status: SubscriptionStatus;
  billingCycle: BillingCycle;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  pendingTier: SubscriptionTier | null;
  pendingBillingCycle: BillingCycle | null;
  seatLimit: number | null;
}

export interface ChangeRequest {
  action: SubscriptionAction;
  targetTier?: SubscriptionTier | null;
  billingCycle?: BillingCycle | null;
}

/** What a change costs and what it writes once paid. */
export interface PlannedChange {
  action: SubscriptionAction;
  description: string;
  amountCents: number;
  lines: InvoiceLine[];
  next: Partial<SubscriptionState>;
}

export interface ChangeContext {
  at: Date;
  activeMembers: number;
  enterpriseSeatsDefault: number;
}

const label = (tier: SubscriptionTier, cycle: BillingCycle) => `${tier} (${cycle.toLowerCase()})`;
const noPending = { cancelAtPeriodEnd: false, pendingTier: null, pendingBillingCycle: null } as const;
const ended = (status: SubscriptionStatus) => status === "EXPIRED" || status === "CANCELED";

function requireSeatsFor(tier: SubscriptionTier, current: SubscriptionState, context: ChangeContext): void {
  const seats = seatsOf(tier, current.seatLimit, context.enterpriseSeatsDefault);
  if (context.activeMembers > seats) {
    const excess = context.activeMembers - seats;
    throw new DomainError(
      ErrorCode.SEATS_EXCEED_TIER,
      `${tier} allows ${seats} members and the company has ${context.activeMembers}: remove ${excess} member${excess === 1 ? "" : "s"} first`,
      ["input", "targetTier"],
    );
  }
}

function requireTarget(request: ChangeRequest): SubscriptionTier {
  if (!request.targetTier) throw new DomainError(ErrorCode.TARGET_TIER_REQUIRED, `${request.action} needs a targetTier`, ["input", "targetTier"]);
  return request.targetTier;
}

function upgrade(current: SubscriptionState, request: ChangeRequest, context: ChangeContext): PlannedChange {
  const tier = requireTarget(request);
  const cycle = request.billingCycle ?? current.billingCycle;
  const order = compareTiers(tier, current.tier);
  const switchesToYearly = current.billingCycle === "MONTHLY" && cycle === "YEARLY";
  if (order < 0 || (order === 0 && !switchesToYearly)) {
    throw new DomainError(ErrorCode.UPGRADE_NOT_HIGHER, `${label(tier, cycle)} is not above ${label(current.tier, current.billingCycle)}`, ["input", "targetTier"]);
  }
  // Leaving FREE or switching cycle starts a period of the new plan now; a tier step within the cycle keeps the period.
  const restartsPeriod = current.tier === "FREE" || cycle !== current.billingCycle;
  const proration = prorate({
    currentPriceCents: priceOf(current.tier, current.billingCycle),
    nextPriceCents: priceOf(tier, cycle),
    periodStart: current.currentPeriodStart,
    periodEnd: current.currentPeriodEnd,
    at: context.at,
    restartsPeriod,
    currentLabel: label(current.tier, current.billingCycle),
    nextLabel: label(tier, cycle),
  });
  const period = restartsPeriod ? { currentPeriodStart: context.at, currentPeriodEnd: periodEnd(context.at, cycle) } : {};
  return {
    action: "UPGRADE",
    description: `Upgrade from ${label(current.tier, current.billingCycle)} to ${label(tier, cycle)}`,
    amountCents: proration.amountCents,
    lines: proration.lines,
    next: { tier, billingCycle: cycle, ...period, ...noPending },
  };
}

function downgrade(current: SubscriptionState, request: ChangeRequest, context: ChangeContext): PlannedChange {
  const tier = requireTarget(request);
  const cycle = request.billingCycle ?? current.billingCycle;
  const order = compareTiers(tier, current.tier);
  const switchesToMonthly = current.billingCycle === "YEARLY" && cycle === "MONTHLY";
  if (order > 0 || (order === 0 && !switchesToMonthly)) {
    throw new DomainError(ErrorCode.DOWNGRADE_NOT_LOWER, `${label(tier, cycle)} is not below ${label(current.tier, current.billingCycle)}`, ["input", "targetTier"]);
  }
  requireSeatsFor(tier, current, context);
  return {
    action: "DOWNGRADE",
    description: `Downgrade to ${label(tier, cycle)} at the period's end (${current.currentPeriodEnd.toISOString()})`,
    amountCents: 0,
    lines: [],
    next: { cancelAtPeriodEnd: false, pendingTier: tier, pendingBillingCycle: cycle === current.billingCycle ? null : cycle },
  };
}

function cancel(current: SubscriptionState): PlannedChange {
  if (current.tier === "FREE") throw new DomainError(ErrorCode.NOTHING_TO_CANCEL, "A FREE subscription has nothing to cancel");
  if (current.cancelAtPeriodEnd) throw new DomainError(ErrorCode.NOTHING_TO_CANCEL, "The subscription already ends at its period's end");
  return {
    action: "CANCEL",
    description: `Cancellation at the period's end (${current.currentPeriodEnd.toISOString()}); FREE from then on`,
    amountCents: 0,
    lines: [],
    next: { cancelAtPeriodEnd: true, pendingTier: null, pendingBillingCycle: null },
  };
}

function reactivate(current: SubscriptionState, request: ChangeRequest, context: ChangeContext): PlannedChange {
  if (ended(current.status)) {
    const tier = request.targetTier ?? current.tier;
    const cycle = request.billingCycle ?? current.billingCycle;
    requireSeatsFor(tier, current, context);
    const price = priceOf(tier, cycle);
    const end = periodEnd(context.at, cycle);
    return {
      action: "REACTIVATE",
      description: `Restart of ${label(tier, cycle)}`,
      amountCents: price,
      lines: [{ description: `${label(tier, cycle)} from ${context.at.toISOString()} to ${end.toISOString()}`, amountCents: price }],
      next: { tier, billingCycle: cycle, status: "ACTIVE", currentPeriodStart: context.at, currentPeriodEnd: end, ...noPending },
    };
  }
  if (!current.cancelAtPeriodEnd && !current.pendingTier && !current.pendingBillingCycle) {
    throw new DomainError(ErrorCode.NOTHING_TO_REACTIVATE, "The subscription is active and has no cancellation or downgrade pending");
  }
  return {
    action: "REACTIVATE",
    description: `Reactivation of ${label(current.tier, current.billingCycle)}: the pending ${current.cancelAtPeriodEnd ? "cancellation" : "downgrade"} is withdrawn`,
    amountCents: 0,
    lines: [],
    next: { ...noPending },
  };
}

/** Decides what a change does to `current` and what it costs now; throws a DomainError for a path that does not apply. */
export function planChange(current: SubscriptionState, request: ChangeRequest, context: ChangeContext): PlannedChange {
  if (request.action === "REACTIVATE") return reactivate(current, request, context);
  if (ended(current.status)) {
    throw new DomainError(ErrorCode.SUBSCRIPTION_ENDED, `The subscription is ${current.status}: REACTIVATE it first`);
  }
  if (request.action === "UPGRADE") return upgrade(current, request, context);
  if (request.action === "DOWNGRADE") return downgrade(current, request, context);
  return cancel(current);
}
