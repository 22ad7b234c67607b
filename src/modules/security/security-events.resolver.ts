import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { requirePrincipal } from "../../permissions/principal.js";
import type { UserRecord } from "../users/users.service.js";
import { User } from "../users/users.types.js";
import { listSecurityEvents, type SecurityEventRecord } from "./security-events.service.js";
import { SecurityEvent } from "./security-events.types.js";

@Resolver(() => SecurityEvent)
export class SecurityEventsResolver {
  @Query(() => [SecurityEvent], { description: "Suspicious sign-ins, newest first: the caller's own, or (ADMIN+) a member's of the active company." })
  securityEvents(
    @Arg("userId", () => ID, { nullable: true }) userId: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Ctx() context: RequestContext,
  ): Promise<SecurityEventRecord[]> {
    return listSecurityEvents(context.deps.services, userId ?? requirePrincipal(context.principal).userId, first ?? 50);
  }

  @FieldResolver(() => User)
  async user(@Root() event: SecurityEventRecord, @Ctx() context: RequestContext): Promise<UserRecord> {
    return (await context.loaders.userById.load(event.userId))!;
  }
}
