import { registerEnumType } from "type-graphql";
import { SubscriptionTier } from "../../generated/prisma/enums";

registerEnumType(SubscriptionTier, { name: "SubscriptionTier" });

export { SubscriptionTier };
