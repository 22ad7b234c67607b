import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context.js";
import type { UserRecord } from "../users/users.service.js";
import { User } from "../users/users.types.js";
import { listAuditEvents, type AuditEventRecord } from "./audit.service.js";
import { AuditEvent } from "./audit.types.js";

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => [AuditEvent], { description: "The company's audit trail, newest first (ADMIN+). Pass the last event's id as `after` for the next page." })
  auditLog(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: RequestContext,
  ): Promise<AuditEventRecord[]> {
    return listAuditEvents(context.deps.services, companyId, { first: first ?? 50, after });
  }

  @FieldResolver(() => User, { nullable: true })
  actor(@Root() event: AuditEventRecord, @Ctx() context: RequestContext): Promise<UserRecord | null> | null {
    return event.actorId ? context.loaders.userById.load(event.actorId) : null;
  }
}
