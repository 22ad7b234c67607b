import { DateTimeResolver } from "graphql-scalars";
import { Field, Float, ID, ObjectType } from "type-graphql";
import { User } from "../users/users.types.js";

@ObjectType({ simpleResolvers: true, description: "A sign-in that showed suspicious patterns, and what was done about it." })
export class SecurityEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => User)
  user!: User;

  @Field(() => [String], { description: "multiple_failed_logins, unusual_location, unusual_time, excessive_sessions, new_device." })
  patterns!: string[];

  @Field(() => Float, { description: "0 (nothing unusual) to 1." })
  riskScore!: number;

  @Field(() => String, { description: "allowed, step_up (a second step was asked for) or locked." })
  action!: string;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}
