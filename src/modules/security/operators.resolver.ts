import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import { revokeUserSessions, suspendUser, unlockUser, unsuspendUser } from "./operators.service.js";

@Resolver()
export class OperatorsResolver {
  @Mutation(() => MutationResult, { description: "Suspends an account and ends its sessions (platform operators)." })
  suspendUser(@Arg("userId", () => ID) userId: string, @Arg("reason", () => String) reason: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => suspendUser(context.deps.services, actorOf(context), userId, reason));
  }

  @Mutation(() => MutationResult, { description: "Lifts a suspension (platform operators)." })
  unsuspendUser(@Arg("userId", () => ID) userId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => unsuspendUser(context.deps.services, actorOf(context), userId));
  }

  @Mutation(() => MutationResult, { description: "Lifts a login lockout (operators, or ADMIN+ of the user's company)." })
  unlockUser(@Arg("userId", () => ID) userId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => unlockUser(context.deps.services, actorOf(context), userId));
  }

  @Mutation(() => MutationResult, { description: "Ends every session of the user (operators, or ADMIN+ of the user's company)." })
  revokeUserSessions(@Arg("userId", () => ID) userId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => revokeUserSessions(context.deps.services, actorOf(context), userId));
  }
}
