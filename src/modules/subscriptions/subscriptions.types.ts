import { DateTimeResolver } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { BillingCycle, InvoiceStatus, SubscriptionStatus, SubscriptionTier } from "../../generated/prisma/enums.js";
import { UserError } from "../../platform/graphql-types.js";

registerEnumType(SubscriptionTier, { name: "SubscriptionTier" });
registerEnumType(SubscriptionStatus, { name: "SubscriptionStatus" });
registerEnumType(BillingCycle, { name: "BillingCycle" });
registerEnumType(InvoiceStatus, { name: "InvoiceStatus" });

export enum SubscriptionAction {
  UPGRADE = "UPGRADE",
  DOWNGRADE = "DOWNGRADE",
  CANCEL = "CANCEL",
  REACTIVATE = "REACTIVATE",
}
registerEnumType(SubscriptionAction, { name: "SubscriptionAction" });

export { BillingCycle, InvoiceStatus, SubscriptionStatus, SubscriptionTier };

@ObjectType({ simpleResolvers: true, description: "A company's plan. Visible to its members." })
export class SubscriptionInfo {
  @Field(() => SubscriptionTier)
  tier!: SubscriptionTier;

  @Field(() => SubscriptionStatus)
  status!: SubscriptionStatus;

  @Field(() => BillingCycle)
  billingCycle!: BillingCycle;

  @Field(() => [String], { description: "What the tier unlocks (see tierFeatures)." })
  features!: readonly string[];

  @Field(() => DateTimeResolver)
  currentPeriodStart!: Date;

  @Field(() => DateTimeResolver)
  currentPeriodEnd!: Date;

  @Field(() => Boolean, { description: "Cancelled: stays on this tier until currentPeriodEnd, FREE after." })
  cancelAtPeriodEnd!: boolean;

  @Field(() => SubscriptionTier, { nullable: true, description: "A scheduled downgrade, effective at currentPeriodEnd." })
  pendingTier!: SubscriptionTier | null;

  @Field(() => BillingCycle, { nullable: true, description: "A scheduled billing cycle switch, effective at currentPeriodEnd." })
  pendingBillingCycle!: BillingCycle | null;

  @Field(() => Int, { description: "Members the plan allows (FREE 3, PRO 25, ENTERPRISE per contract)." })
  seats!: number;
}

@ObjectType({ simpleResolvers: true, description: "One line of an invoice; credits are negative." })
export class InvoiceLine {
  @Field(() => String)
  description!: string;

  @Field(() => Int)
  amountCents!: number;
}

@ObjectType({ simpleResolvers: true, description: "What a subscription change cost, with its proration lines." })
export class Invoice {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: "Charged now, in integer cents; never negative." })
  amountCents!: number;

  @Field(() => String, { description: "ISO 4217 (BILLING_CURRENCY)." })
  currency!: string;

  @Field(() => String)
  description!: string;

  @Field(() => InvoiceStatus)
  status!: InvoiceStatus;

  @Field(() => [InvoiceLine])
  lines!: InvoiceLine[];

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@InputType()
export class ChangeSubscriptionInput {
  @Field(() => SubscriptionAction)
  action!: SubscriptionAction;

  @Field(() => SubscriptionTier, { nullable: true, description: "Required for UPGRADE and DOWNGRADE; REACTIVATE of an ended subscription may name it." })
  targetTier?: SubscriptionTier | null;

  @Field(() => BillingCycle, { nullable: true, description: "Switch the billing cycle too (prorated on UPGRADE, at period end on DOWNGRADE)." })
  billingCycle?: BillingCycle | null;
}

@ObjectType({ simpleResolvers: true })
export class SubscriptionPayload {
  @Field(() => SubscriptionInfo, { nullable: true })
  subscription?: SubscriptionInfo | null;

  @Field(() => Invoice, { nullable: true })
  invoice?: Invoice | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
