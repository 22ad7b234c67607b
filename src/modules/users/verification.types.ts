import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { UserStatus, VerificationStatus } from "../../generated/prisma/enums.js";

@ObjectType({ simpleResolvers: true, description: "One user of a batch verification; fields are null when the user is unknown, not a member, or not completed." })
export class UserVerification {
  @Field(() => ID)
  userId!: string;

  @Field(() => Boolean, { description: "False for unknown ids and for users who are not active members of the company." })
  exists!: boolean;

  @Field(() => Boolean)
  memberOfCompany!: boolean;

  @Field(() => UserStatus, { nullable: true })
  status!: UserStatus | null;

  @Field(() => VerificationStatus, { nullable: true, description: "Identity verification status." })
  verificationStatus!: VerificationStatus | null;

  @Field(() => Boolean, { nullable: true })
  emailVerified!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  locked!: boolean | null;

  @Field(() => Boolean, { description: "False when the 500 ms budget ended before this user was checked." })
  completed!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class BatchVerificationResult {
  @Field(() => [UserVerification], { description: "In the order the ids were asked." })
  results!: UserVerification[];

  @Field(() => Int, { description: "How many were not completed within the budget." })
  timedOut!: number;

  @Field(() => Float)
  elapsedMs!: number;
}
