import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { User } from "../users/users.types.js";

@ObjectType({ simpleResolvers: true, description: "One state change, as the append-only audit trail recorded it." })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "What happened, e.g. membership.role_changed." })
  action!: string;

  @Field(() => User, { nullable: true, description: "Who did it; null for the system." })
  actor?: User | null;

  @Field(() => String)
  targetType!: string;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => String, { nullable: true })
  correlationId!: string | null;

  @Field(() => JSONResolver, { nullable: true, description: "What changed; never a secret." })
  metadata!: unknown;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;
}
