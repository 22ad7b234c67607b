import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { requirePrincipal } from "../../permissions/principal.js";
import { userErrorsFrom } from "../../platform/errors.js";
import { Company, Membership } from "../companies/companies.types.js";
import type { CompanyRecord } from "../companies/companies.service.js";
import type { MembershipRecord } from "../companies/memberships.service.js";
import { heldUser, updateProfile, type UserRecord } from "./users.service.js";
import { UpdateProfileInput, User, UserPayload } from "./users.types.js";

@Resolver(() => User)
export class UsersResolver {
  @Query(() => User, { nullable: true, description: "The signed-in user; null when not authenticated." })
  me(@Ctx() context: RequestContext): UserRecord | Promise<UserRecord | null> | null {
    const principal = context.principal;
    if (!principal) return null;
    return heldUser(context.deps, principal.userId) ?? context.loaders.userById.load(principal.userId);
  }

  @Query(() => User, { nullable: true, description: "The caller, or someone in a company the caller manages (MANAGER+); null otherwise." })
  async user(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<UserRecord | null> {
    const self = id.toLowerCase() === requirePrincipal(context.principal).userId;
    return self || (await context.managesUser(id)) ? context.loaders.userById.load(id) : null;
  }

  @Mutation(() => UserPayload)
  async updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() context: RequestContext): Promise<UserPayload> {
    try {
      const user = await updateProfile(context.deps.services, actorOf(context), input);
      context.loaders.userById.clear(user.id).prime(user.id, user);
      return { user, userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @FieldResolver(() => Company, { nullable: true, description: "The current session's company (self only)." })
  activeCompany(@Root() user: UserRecord, @Ctx() context: RequestContext): Promise<CompanyRecord | null> | null {
    return user.id === context.principal?.userId ? context.loaders.companyById.load(context.principal.companyId) : null;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: "Whether sign-in asks for a second factor." })
  mfaEnabled(@Root() user: UserRecord, @Ctx() context: RequestContext): Promise<boolean> {
    return context.loaders.mfaEnabledOf.load(user.id);
  }

  @FieldResolver(() => [Membership], {
    nullable: true,
    description: "The user's active memberships: all of them for the user themself, those in the caller's companies for a manager.",
  })
  async memberships(@Root() user: UserRecord, @Ctx() context: RequestContext): Promise<MembershipRecord[]> {
    const memberships = await context.loaders.membershipsOfUser.load(user.id);
    if (user.id === context.principal?.userId) return memberships;
    const callerCompanies = await context.loaders.rolesOfCaller();
    return memberships.filter((membership) => callerCompanies.has(membership.companyId));
  }
}
