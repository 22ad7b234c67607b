import { DateTimeResolver, EmailAddressResolver } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { InvestmentProfile, RegistrationType, RiskTolerance, VerificationStatus } from "../../generated/prisma/enums";
import { UserError } from "../../platform/graphql-types";
import { User } from "../users/users.types";

@ObjectType()
export class AuthTokens {
  @Field(() => String, { description: "EdDSA-signed JWT; send as `Authorization: Bearer <accessToken>`." })
  accessToken!: string;

  @Field(() => String, { description: "Opaque; exchange with `refreshToken` for a new pair. Rotated on every use." })
  refreshToken!: string;

  @Field(() => String)
  tokenType!: string;

  @Field(() => Int, { description: "Seconds until the access token expires." })
  expiresIn!: number;
}

@InputType()
export class RegisterInput {
  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => String, { nullable: true, description: "Required for EMAIL: 12 to 128 characters." })
  password?: string | null;

  @Field(() => String)
  fullName!: string;

  @Field(() => RegistrationType, { nullable: true, defaultValue: RegistrationType.EMAIL })
  registrationType?: RegistrationType | null;

  @Field(() => String, { nullable: true, description: "OIDC ID token, for GOOGLE / APPLE / ENTERPRISE." })
  idToken?: string | null;

  @Field(() => String, { nullable: true })
  invitationCode?: string | null;

  @Field(() => InvestmentProfile, { nullable: true })
  investmentProfile?: InvestmentProfile | null;

  @Field(() => RiskTolerance, { nullable: true })
  riskTolerance?: RiskTolerance | null;
}

@ObjectType()
export class RegisterPayload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => AuthTokens, { nullable: true })
  tokens?: AuthTokens | null;

  @Field(() => VerificationStatus, { nullable: true })
  status?: VerificationStatus | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType()
export class LoginInput {
  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => String)
  password!: string;
}

@ObjectType()
export class LoginPayload {
  @Field(() => AuthTokens, { nullable: true })
  tokens?: AuthTokens | null;

  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => Boolean)
  mfaRequired!: boolean;

  @Field(() => String, { nullable: true, description: "Pass to verifyMfa when mfaRequired is true." })
  mfaChallengeId?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class TokenPayload {
  @Field(() => AuthTokens, { nullable: true })
  tokens?: AuthTokens | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ description: "A signed-in device or browser." })
export class Session {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: "Sign-in or last token refresh." })
  lastUsedAt!: Date;

  @Field(() => String, { nullable: true })
  userAgent?: string | null;

  @Field(() => String, { nullable: true })
  ip?: string | null;

  @Field(() => Boolean, { description: "True for the session of the token making this request." })
  current!: boolean;
}
