import { Field, ObjectType } from "type-graphql";
import { UserError } from "../../platform/graphql-types.js";

@ObjectType({ simpleResolvers: true, description: "A TOTP secret to add to an authenticator app (shown once)." })
export class TotpEnrollment {
  @Field(() => String, { description: "Base32, for typing in by hand." })
  secret!: string;

  @Field(() => String, { description: "otpauth:// URL, for a QR code." })
  otpauthUrl!: string;
}

@ObjectType({ simpleResolvers: true })
export class TotpEnrollmentPayload {
  @Field(() => TotpEnrollment, { nullable: true })
  enrollment?: TotpEnrollment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true })
export class RecoveryCodesPayload {
  @Field(() => [String], { nullable: true, description: "Ten one-time codes, shown only here; each signs in once instead of a TOTP code." })
  recoveryCodes?: string[] | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
