import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { userErrorsFrom } from "../../platform/errors.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import type { UserRecord } from "../users/users.service.js";
import { User } from "../users/users.types.js";
import type { CompanyRecord } from "./companies.service.js";
import { Company, CompanyPayload } from "./companies.types.js";
import { acceptInvitation, inviteUser, revokeInvitation, type InvitationRecord } from "./invitations.service.js";
import { Invitation, InvitationPayload, InviteUserInput } from "./invitations.types.js";

@Resolver(() => Invitation)
export class InvitationsResolver {
  @Mutation(() => InvitationPayload, { description: "Invites an email with a role below the caller's; the code is shown once and mailed." })
  async inviteUser(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("input", () => InviteUserInput) input: InviteUserInput,
    @Ctx() context: RequestContext,
  ): Promise<InvitationPayload> {
    try {
      const invited = await inviteUser(context.deps.services, actorOf(context), companyId, input);
      return { invitation: invited.invitation, invitationCode: invited.code, mailSent: invited.mailed, userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => CompanyPayload, { description: "Joins the inviting company; the caller must be signed in with the invited email." })
  async acceptInvitation(@Arg("code", () => String) code: string, @Ctx() context: RequestContext): Promise<CompanyPayload> {
    try {
      const actor = actorOf(context);
      const user = await context.loaders.userById.load(actor.userId);
      const companyId = await acceptInvitation(context.deps.services, { ...actor, email: user?.email ?? "" }, code);
      context.loaders.forgetCaller();
      return { company: await context.loaders.companyById.load(companyId), userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => MutationResult, { description: "Withdraws a pending invitation (ADMIN+ of its company)." })
  revokeInvitation(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => revokeInvitation(context.deps.services, actorOf(context), id));
  }

  @FieldResolver(() => Company)
  company(@Root() invitation: InvitationRecord, @Ctx() context: RequestContext): Promise<CompanyRecord | null> {
    return context.loaders.companyById.load(invitation.companyId);
  }

  @FieldResolver(() => User)
  invitedBy(@Root() invitation: InvitationRecord, @Ctx() context: RequestContext): Promise<UserRecord | null> {
    return context.loaders.userById.load(invitation.invitedById);
  }
}
