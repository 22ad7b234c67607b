import { DateTimeResolver, EmailAddressResolver } from "graphql-scalars";
import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { InvitationStatus, Role } from "../../generated/prisma/enums.js";
import { UserError } from "../../platform/graphql-types.js";
import { User } from "../users/users.types.js";
import { Company } from "./companies.types.js";

registerEnumType(InvitationStatus, { name: "InvitationStatus" });

@ObjectType({ simpleResolvers: true, description: "An invitation to join a company; visible to its ADMINs and above." })
export class Invitation {
  @Field(() => ID)
  id!: string;

  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => InvitationStatus)
  status!: InvitationStatus;

  @Field(() => DateTimeResolver)
  expiresAt!: Date;

  @Field(() => Company)
  company?: Company;

  @Field(() => User)
  invitedBy?: User;
}

@InputType()
export class InviteUserInput {
  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => Role, { description: "Must be below the inviter's own role." })
  role!: Role;
}

@ObjectType({ simpleResolvers: true })
export class InvitationPayload {
  @Field(() => Invitation, { nullable: true })
  invitation?: Invitation | null;

  @Field(() => String, { nullable: true, description: "The one-time code; shown only here, stored only as a hash." })
  invitationCode?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the invitation mail was handed to the mail server." })
  mailSent?: boolean | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
