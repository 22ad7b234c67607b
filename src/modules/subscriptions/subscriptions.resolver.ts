import { Arg, Query, Resolver } from "type-graphql";
import { SubscriptionTier } from "./subscriptions.types";
import { featuresOf } from "./tiers";

@Resolver()
export class SubscriptionsResolver {
  @Query(() => [String], { description: "The features a subscription tier unlocks." })
  tierFeatures(@Arg("tier", () => SubscriptionTier) tier: SubscriptionTier): readonly string[] {
    return featuresOf(tier);
  }
}
