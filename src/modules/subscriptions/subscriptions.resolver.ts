import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { userErrorsFrom } from "../../platform/errors.js";
import { Company } from "../companies/companies.types.js";
import type { CompanyRecord } from "../companies/companies.service.js";
import { countMembers } from "../companies/memberships.service.js";
import { ChangeSubscriptionInput, Invoice, SubscriptionInfo, SubscriptionPayload, SubscriptionTier } from "./subscriptions.types.js";
import { changeSubscription, listInvoices, type InvoiceRecord, type SubscriptionView } from "./subscriptions.service.js";
import { featuresOf } from "./tiers.js";

@Resolver()
export class SubscriptionsResolver {
  @Query(() => [String], { description: "The features a subscription tier unlocks." })
  tierFeatures(@Arg("tier", () => SubscriptionTier) tier: SubscriptionTier): readonly string[] {
    return featuresOf(tier);
  }

  @Mutation(() => SubscriptionPayload, { description: "Upgrades (charged now, prorated), downgrades or cancels (at period end) or reactivates the company's subscription (billing.manage)." })
  async changeSubscription(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("input", () => ChangeSubscriptionInput) input: ChangeSubscriptionInput,
    @Ctx() context: RequestContext,
  ): Promise<SubscriptionPayload> {
    try {
      const result = await changeSubscription(context.deps.services, actorOf(context), companyId.toLowerCase(), input);
      context.loaders.subscriptionOfCompany.clear(result.subscription.companyId).prime(result.subscription.companyId, result.subscription);
      return { ...result, userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }
}

@Resolver(() => Company)
export class CompanySubscriptionResolver {
  @FieldResolver(() => SubscriptionInfo, { nullable: true, description: "The company's plan (members)." })
  subscription(@Root() company: CompanyRecord, @Ctx() context: RequestContext): Promise<SubscriptionView | null> {
    return context.loaders.subscriptionOfCompany.load(company.id);
  }
}

@Resolver(() => SubscriptionInfo)
export class SubscriptionInfoResolver {
  @FieldResolver(() => Int, { description: "Active members now." })
  seatsUsed(@Root() subscription: SubscriptionView, @Ctx() context: RequestContext): Promise<number> {
    return countMembers(context.deps.services, subscription.companyId);
  }

  @FieldResolver(() => [Invoice], { nullable: true, description: "Billing history, newest first (billing.manage; needs the advanced_analytics feature, PRO and up)." })
  invoices(
    @Root() subscription: SubscriptionView,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Ctx() context: RequestContext,
  ): Promise<InvoiceRecord[]> {
    return listInvoices(context.deps.services, subscription.companyId, first ?? 20);
  }
}
