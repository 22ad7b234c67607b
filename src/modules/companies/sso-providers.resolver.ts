import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { userErrorsFrom } from "../../platform/errors.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import type { CompanyRecord } from "./companies.service.js";
import { Company } from "./companies.types.js";
import { findCompanySsoProvider, removeCompanySsoProvider, setCompanySsoProvider, type SsoProviderView } from "./sso-providers.service.js";
import { CompanySsoProvider, CompanySsoProviderInput, CompanySsoProviderPayload } from "./sso-providers.types.js";

@Resolver(() => Company)
export class SsoProvidersResolver {
  @Mutation(() => CompanySsoProviderPayload, {
    description: "Sets the company's OIDC identity provider (OWNER): users of its verified domains then sign up and in with it as MEMBERs.",
  })
  async setCompanySsoProvider(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("input", () => CompanySsoProviderInput) input: CompanySsoProviderInput,
    @Ctx() context: RequestContext,
  ): Promise<CompanySsoProviderPayload> {
    try {
      return { ssoProvider: await setCompanySsoProvider(context.deps.services, actorOf(context), companyId, input), userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => MutationResult, { description: "Turns the company's ENTERPRISE sign-in off (OWNER)." })
  removeCompanySsoProvider(@Arg("companyId", () => ID) companyId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => removeCompanySsoProvider(context.deps.services, actorOf(context), companyId));
  }

  @FieldResolver(() => CompanySsoProvider, { nullable: true, description: "The company's own identity provider, if set (ADMIN+)." })
  ssoProvider(@Root() company: CompanyRecord, @Ctx() context: RequestContext): Promise<SsoProviderView | null> {
    return findCompanySsoProvider(context.deps.services, company.id);
  }
}
