import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { requirePrincipal } from "../../permissions/principal";
import { userErrorsFrom } from "../../platform/errors";
import { Company } from "../companies/companies.types";
import type { CompanyRecord } from "../companies/companies.service";
import { updateProfile, type UserRecord } from "./users.service";
import { UpdateProfileInput, User, UserPayload } from "./users.types";

@Resolver(() => User)
export class UsersResolver {
  @Query(() => User, { nullable: true, description: "The signed-in user; null when not authenticated." })
  me(@Ctx() context: RequestContext): Promise<UserRecord | null> | null {
    return context.principal ? context.loaders.userById.load(context.principal.userId) : null;
  }

  @Query(() => User, { nullable: true, description: "A user the caller may see: themself." })
  user(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<UserRecord | null> | null {
    return id === requirePrincipal(context.principal).userId ? context.loaders.userById.load(id) : null;
  }

  @Mutation(() => UserPayload)
  async updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() context: RequestContext): Promise<UserPayload> {
    try {
      const user = await updateProfile({ prisma: context.deps.database.prisma, cache: context.deps.cache }, requirePrincipal(context.principal).userId, input);
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
}
