import { JSONResolver } from "graphql-scalars";
import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import { deleteAccount } from "./account-deletion.service.js";
import { exportUserData, type DataExport } from "./data-export.service.js";

@Resolver()
export class PrivacyResolver {
  @Query(() => JSONResolver, { description: "Everything stored about the caller, as JSON (no secrets or hashes); `formatVersion` names its shape." })
  exportMyData(@Ctx() context: RequestContext): Promise<DataExport> {
    return exportUserData(context.deps.services, actorOf(context).userId);
  }

  @Mutation(() => MutationResult, {
    description: "Deletes the caller's account: the password, or for an account without one a second factor or SSO sign-in from the last 5 minutes.",
  })
  deleteMyAccount(@Arg("password", () => String, { nullable: true }) password: string | null, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => deleteAccount(context.deps.services, actorOf(context), password));
  }
}
