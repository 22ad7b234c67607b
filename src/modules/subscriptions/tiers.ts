import type { SubscriptionTier } from "../../permissions/principal";

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

/** The features of a tier; an unknown tier gets FREE's, as the seed does. */
export function featuresOf(tier: SubscriptionTier): readonly Feature[] {
  return tierFeatures[tier] ?? tierFeatures.FREE;
}

export function tierHasFeature(tier: SubscriptionTier, feature: Feature): boolean {
  return (featuresOf(tier) as readonly string[]).includes(feature);
}

const tierRank: Record<SubscriptionTier, number> = { FREE: 0, PRO: 1, ENTERPRISE: 2 };

/** Orders tiers FREE < PRO < ENTERPRISE (for upgrade/downgrade decisions). */
export function compareTiers(a: SubscriptionTier, b: SubscriptionTier): number {
  return tierRank[a] - tierRank[b];
}
