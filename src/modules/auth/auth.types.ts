import { DateTimeResolver, EmailAddressResolver } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { InvestmentProfile, RegistrationType, RiskTolerance, VerificationStatus } from "../../generated/prisma/enums.js";
import { UserError } from "../../platform/graphql-types.js";
import { Company } from "../companies/companies.types.js";
import { CompanyAssignment } from "./auth.service.js";
import { User } from "../users/users.types.js";

registerEnumType(CompanyAssignment, {
  name: "CompanyAssignment",
  description: "How registration placed the new user.",
  valuesConfig: {
    INVITATION: { description: "Joined the inviting company with the invited role; the session starts there." },
    DOMAIN_MATCH: { description: "The email's domain is verified by a company: membership awaits an ADMIN's approval." },
    ENTERPRISE_SSO: { description: "Signed up through a company's own identity provider (ENTERPRISE): a MEMBER of it; the session starts there." },
    INDIVIDUAL: { description: "Only the user's own individual workspace." },
  },
});

@ObjectType({ simpleResolvers: true })
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

  @Field(() => String, { nullable: true, description: "Required for EMAIL: 12 to 128 characters. With an idToken: the password of the account to link it to." })
  password?: string | null;

  @Field(() => String)
  fullName!: string;

  @Field(() => RegistrationType, { nullable: true, defaultValue: RegistrationType.EMAIL })
  registrationType?: RegistrationType | null;

  @Field(() => String, {
    nullable: true,
    description: "OIDC ID token, for GOOGLE / APPLE / ENTERPRISE. A known identity signs in; an email with an account is linked only with its password (then MFA).",
  })
  idToken?: string | null;

  @Field(() => String, { nullable: true, description: "The nonce sent to the identity provider; when given, the ID token must carry it." })
  nonce?: string | null;

  @Field(() => String, { nullable: true })
  invitationCode?: string | null;

  @Field(() => InvestmentProfile, { nullable: true })
  investmentProfile?: InvestmentProfile | null;

  @Field(() => RiskTolerance, { nullable: true })
  riskTolerance?: RiskTolerance | null;
}

@ObjectType({ simpleResolvers: true })
export class RegisterPayload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => AuthTokens, { nullable: true })
  tokens?: AuthTokens | null;

  @Field(() => VerificationStatus, { nullable: true, description: "REQUIRES_ADDITIONAL_VERIFICATION while a domain join awaits approval." })
  status?: VerificationStatus | null;

  @Field(() => CompanyAssignment, { nullable: true, description: "Null when the call signed in an existing account (SSO) instead of creating one." })
  assignment?: CompanyAssignment | null;

  @Field(() => Company, { nullable: true, description: "The company the new session acts in." })
  company?: Company | null;

  @Field(() => ID, { nullable: true, description: "The company whose ADMINs must approve the membership (DOMAIN_MATCH)." })
  pendingCompanyId?: string | null;

  @Field(() => Boolean, { description: "SSO into an account with MFA: no tokens yet; answer mfaChallengeId with verifyMfa." })
  mfaRequired!: boolean;

  @Field(() => String, { nullable: true, description: "Pass to verifyMfa when mfaRequired is true." })
  mfaChallengeId?: string | null;

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

export const MfaMethod = { TOTP: "TOTP", EMAIL_CODE: "EMAIL_CODE" } as const;
export type MfaMethod = keyof typeof MfaMethod;
registerEnumType(MfaMethod, {
  name: "MfaMethod",
  description: "TOTP: the authenticator app (or a recovery code). EMAIL_CODE: a 6-digit code mailed for this sign-in, asked for when it looked unusual.",
});

@ObjectType({ simpleResolvers: true })
export class LoginPayload {
  @Field(() => AuthTokens, { nullable: true })
  tokens?: AuthTokens | null;

  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => Boolean)
  mfaRequired!: boolean;

  @Field(() => String, { nullable: true, description: "Pass to verifyMfa when mfaRequired is true." })
  mfaChallengeId?: string | null;

  @Field(() => MfaMethod, { nullable: true, description: "Where the code for verifyMfa comes from, when mfaRequired is true." })
  mfaMethod?: MfaMethod | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true })
export class TokenPayload {
  @Field(() => AuthTokens, { nullable: true })
  tokens?: AuthTokens | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "A signed-in device or browser." })
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
