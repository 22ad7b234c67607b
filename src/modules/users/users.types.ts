import { DateTimeResolver, EmailAddressResolver } from "graphql-scalars";
import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { UserError } from "../../platform/graphql-types.js";
import { InvestmentProfile, RegistrationType, RiskTolerance, UserStatus, VerificationStatus } from "../../generated/prisma/enums.js";

registerEnumType(UserStatus, { name: "UserStatus" });
registerEnumType(VerificationStatus, { name: "VerificationStatus" });
registerEnumType(RegistrationType, { name: "RegistrationType" });
registerEnumType(InvestmentProfile, { name: "InvestmentProfile" });
registerEnumType(RiskTolerance, { name: "RiskTolerance" });

@Directive(`@key(fields: "id")`)
@ObjectType({ simpleResolvers: true, description: "A person with an account. id and fullName are public to signed-in callers; the rest is for the user themself." })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => EmailAddressResolver, { nullable: true })
  email!: string;

  @Field(() => UserStatus, { nullable: true })
  status!: UserStatus;

  @Field(() => VerificationStatus, { nullable: true })
  verificationStatus!: VerificationStatus;

  @Field(() => RegistrationType, { nullable: true })
  registrationType!: RegistrationType;

  @Field(() => InvestmentProfile, { nullable: true })
  investmentProfile!: InvestmentProfile | null;

  @Field(() => RiskTolerance, { nullable: true })
  riskTolerance!: RiskTolerance | null;

  @Field(() => DateTimeResolver, { nullable: true })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  lastLoginAt!: Date | null;
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  fullName?: string | null;

  @Field(() => InvestmentProfile, { nullable: true })
  investmentProfile?: InvestmentProfile | null;

  @Field(() => RiskTolerance, { nullable: true })
  riskTolerance?: RiskTolerance | null;
}

@ObjectType({ simpleResolvers: true })
export class UserPayload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
