import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { Role } from "../../generated/prisma/enums.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import { heldUser, type UserRecord } from "../users/users.service.js";
import { User } from "../users/users.types.js";
import type { MembersConnection } from "./companies.resolver.js";
import type { CompanyRecord } from "./companies.service.js";
import { Company, Membership, MembershipConnection } from "./companies.types.js";
import {
  countMembers,
  decidePendingMember,
  leaveCompany,
  removeMember,
  transferOwnership,
  updateMemberRole,
  type MembershipRecord,
} from "./memberships.service.js";

@Resolver(() => Membership)
export class MembershipsResolver {
  @FieldResolver(() => User)
  user(@Root() membership: MembershipRecord, @Ctx() context: RequestContext): UserRecord | Promise<UserRecord | null> {
    return heldUser(context.deps, membership.userId) ?? context.loaders.userById.load(membership.userId);
  }

  @FieldResolver(() => Company)
  company(@Root() membership: MembershipRecord, @Ctx() context: RequestContext): Promise<CompanyRecord | null> {
    return context.loaders.companyById.load(membership.companyId);
  }

  @Mutation(() => MutationResult, { description: "Changes a member's role; both roles must be below the caller's." })
  updateMemberRole(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("userId", () => ID) userId: string,
    @Arg("role", () => Role) role: Role,
    @Ctx() context: RequestContext,
  ): Promise<MutationResult> {
    return mutationResult(() => updateMemberRole(context.deps.services, actorOf(context), companyId, userId, role));
  }

  @Mutation(() => MutationResult, { description: "Removes a member whose role is below the caller's." })
  removeMember(@Arg("companyId", () => ID) companyId: string, @Arg("userId", () => ID) userId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => removeMember(context.deps.services, actorOf(context), companyId, userId));
  }

  @Mutation(() => MutationResult, { description: "Makes a member the OWNER; the caller (OWNER) becomes ADMIN." })
  transferOwnership(@Arg("companyId", () => ID) companyId: string, @Arg("userId", () => ID) userId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => transferOwnership(context.deps.services, actorOf(context), companyId, userId));
  }

  @Mutation(() => MutationResult, { description: "Leaves the company; not for the OWNER (transfer ownership first)." })
  leaveCompany(@Arg("companyId", () => ID) companyId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => leaveCompany(context.deps.services, actorOf(context), companyId));
  }

  @Mutation(() => MutationResult, { description: "Approves a domain join awaiting approval (ADMIN+)." })
  approveMember(@Arg("companyId", () => ID) companyId: string, @Arg("userId", () => ID) userId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => decidePendingMember(context.deps.services, actorOf(context), companyId, userId, "approve"));
  }

  @Mutation(() => MutationResult, { description: "Turns down a domain join awaiting approval (ADMIN+)." })
  rejectMember(@Arg("companyId", () => ID) companyId: string, @Arg("userId", () => ID) userId: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => decidePendingMember(context.deps.services, actorOf(context), companyId, userId, "reject"));
  }
}

@Resolver(() => MembershipConnection)
export class MembershipConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: MembersConnection, @Ctx() context: RequestContext): Promise<number> {
    return countMembers(context.deps.services, connection.companyId);
  }
}
