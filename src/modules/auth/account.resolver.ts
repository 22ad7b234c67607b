import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { EmailAddressResolver } from "graphql-scalars";
import { actorOf, clientOf, type RequestContext } from "../../context.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import {
  changePassword,
  confirmEmailChange,
  requestEmailChange,
  requestEmailVerification,
  requestPasswordReset,
  resetPassword,
  verifyEmail,
} from "./account.service.js";

@Resolver()
export class AccountResolver {
  @Mutation(() => MutationResult, { description: "Mails the caller a link that verifies their address." })
  requestEmailVerification(@Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => requestEmailVerification(context.deps.services, actorOf(context)));
  }

  @Mutation(() => MutationResult, { description: "Verifies an address with the token from its mail." })
  verifyEmail(@Arg("token", () => String) token: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => verifyEmail(context.deps.services, token, clientOf(context)));
  }

  @Mutation(() => MutationResult, { description: "Mails a reset link; answers the same whether or not the email is registered." })
  requestPasswordReset(@Arg("email", () => EmailAddressResolver) email: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => requestPasswordReset(context.deps.services, email, clientOf(context)));
  }

  @Mutation(() => MutationResult, { description: "Sets a new password with a reset token; every session ends." })
  resetPassword(
    @Arg("token", () => String) token: string,
    @Arg("newPassword", () => String) newPassword: string,
    @Ctx() context: RequestContext,
  ): Promise<MutationResult> {
    return mutationResult(() => resetPassword(context.deps.services, token, newPassword, clientOf(context)));
  }

  @Mutation(() => MutationResult, { description: "Changes the caller's password; their other sessions end." })
  changePassword(
    @Arg("currentPassword", () => String) currentPassword: string,
    @Arg("newPassword", () => String) newPassword: string,
    @Ctx() context: RequestContext,
  ): Promise<MutationResult> {
    return mutationResult(() => changePassword(context.deps.services, actorOf(context), currentPassword, newPassword));
  }

  @Mutation(() => MutationResult, { description: "Mails a confirmation link to the new address and a notice to the current one." })
  requestEmailChange(
    @Arg("newEmail", () => EmailAddressResolver) newEmail: string,
    @Arg("password", () => String) password: string,
    @Ctx() context: RequestContext,
  ): Promise<MutationResult> {
    return mutationResult(() => requestEmailChange(context.deps.services, actorOf(context), newEmail, password));
  }

  @Mutation(() => MutationResult, { description: "Makes the new address the account's email, with the token from its mail." })
  confirmEmailChange(@Arg("token", () => String) token: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => confirmEmailChange(context.deps.services, token, clientOf(context)));
  }
}
