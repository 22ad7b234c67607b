import DataLoader from "dataloader";
import { findSubscriptions, type SubscriptionsDeps, type SubscriptionView } from "./subscriptions.service.js";

/** Per-request loaders: every subscription lookup in one tick becomes one query. */
export function createSubscriptionLoaders(deps: Pick<SubscriptionsDeps, "prisma" | "config">) {
  return {
    subscriptionOfCompany: new DataLoader<string, SubscriptionView | null>((companyIds) => findSubscriptions(deps, companyIds)),
  };
}
