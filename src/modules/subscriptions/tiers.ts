import type { SubscriptionTier } from "../../permissions/principal.js";

export const subscriptionTiers = ["FREE", "PRO", "ENTERPRISE"] as const satisfies readonly SubscriptionTier[];

/** Features unlocked by each tier (the seed's lists). */
export const tierFeatures = {
  FREE: ["basic_trading_signals", "limited_backtesting", "basic_analytics", "email_notifications"],
  PRO: [
    "advanced_trading_signals",
    "full_backtesting_suite",
    "advanced_analytics",
    "multi_channel_notifications",
    "risk_management_tools",
    "pattern_recognition",
    "ml_model_access",
  ],
  ENTERPRISE: [
    "premium_trading_signals",
    "unlimited_backtesting",
    "business_intelligence",
    "priority_notifications",
    "advanced_risk_management",
    "custom_pattern_recognition",
    "full_ml_model_suite",
    "multi_user_management",
    "custom_integrations",
    "dedicated_support",
    "white_label_options",
  ],
} as const satisfies Record<SubscriptionTier, readonly string[]>;

export type Feature = (typeof tierFeatures)[SubscriptionTier][number];

export type BillingCycle = "MONTHLY" | "YEARLY";

/** What each tier costs per billing cycle, in integer cents of the configured currency (BILLING_CURRENCY). */
export const tierPrices = {
  FREE: { MONTHLY: 0, YEARLY: 0 },
  PRO: { MONTHLY: 4_900, YEARLY: 49_000 },
  ENTERPRISE: { MONTHLY: 19_900, YEARLY: 199_000 },
} as const satisfies Record<SubscriptionTier, Record<BillingCycle, number>>;

/** Members a tier allows; ENTERPRISE's come from the contract (Subscription.seatLimit, default BILLING_ENTERPRISE_SEATS). */
export const tierSeats = { FREE: 3, PRO: 25 } as const satisfies Partial<Record<SubscriptionTier, number>>;

export function priceOf(tier: SubscriptionTier, cycle: BillingCycle): number {
  return tierPrices[tier][cycle];
}

/** The seats a tier allows a company; `contractSeats` is the company's ENTERPRISE seat limit, if it has one. */
export function seatsOf(tier: SubscriptionTier, contractSeats: number | null, enterpriseDefault: number): number {
  return tier === "ENTERPRISE" ? (contractSeats ?? enterpriseDefault) : tierSeats[tier];
}

/** Where a billing period that starts at `start` ends: a calendar month or year later (UTC), Jan 31 + 1 month = Feb 28/29. */
export function periodEnd(start: Date, cycle: BillingCycle): Date {
  const months = cycle === "YEARLY" ? 12 : 1;
  const year = start.getUTCFullYear() + Math.floor((start.getUTCMonth() + months) / 12);
  const month = (start.getUTCMonth() + months) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const end = new Date(start);
  end.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
  return end;
}

/** The features of a tier; an unknown tier gets FREE's, as the seed does. */
export function featuresOf(tier: SubscriptionTier): readonly Feature[] {
  return tierFeatures[tier] ?? tierFeatures.FREE;
}

export function tierHasFeature(tier: SubscriptionTier, feature: string): boolean {
  return (featuresOf(tier) as readonly string[]).includes(feature);
}

const tierRank: Record<SubscriptionTier, number> = { FREE: 0, PRO: 1, ENTERPRISE: 2 };

/** Orders tiers FREE < PRO < ENTERPRISE (for upgrade/downgrade decisions). */
export function compareTiers(a: SubscriptionTier, b: SubscriptionTier): number {
  return tierRank[a] - tierRank[b];
}
