import { DateTimeResolver } from "graphql-scalars";
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { CompanyType, Role } from "../../generated/prisma/enums.js";
import { PageInfo, UserError } from "../../platform/graphql-types.js";
import { User } from "../users/users.types.js";

registerEnumType(CompanyType, { name: "CompanyType" });
registerEnumType(Role, { name: "Role", description: "Company roles, highest first: OWNER > ADMIN > MANAGER > MEMBER > VIEWER." });

@Directive(`@key(fields: "id")`)
@ObjectType({ simpleResolvers: true, description: "A tenant: a person's individual workspace or an organization. Visible to its members." })
export class Company {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => CompanyType)
  type!: CompanyType;

  @Field(() => String, { nullable: true })
  industry!: string | null;

  @Field(() => String, { nullable: true })
  companySize!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "A user's role in a company." })
export class Membership {
  @Field(() => User)
  user!: User;

  @Field(() => Company)
  company!: Company;

  @Field(() => Role)
  role!: Role;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class MembershipEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Membership)
  node!: Membership;
}

@ObjectType({ simpleResolvers: true })
export class MembershipConnection {
  @Field(() => [MembershipEdge])
  edges!: MembershipEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Active members in all, not only on this page." })
  totalCount!: number;
}

@ObjectType({ simpleResolvers: true, description: "How a company trades; MANAGER+ may read, ADMIN+ may change." })
export class CompanySettings {
  @Field(() => Boolean)
  tradingEnabled!: boolean;

  @Field(() => Boolean)
  riskManagementRequired!: boolean;

  @Field(() => Int, { description: "Days login attempts and security events are kept (30–3650)." })
  dataRetentionDays!: number;

  @Field(() => String, { description: '"24/7" or a daily UTC window "HH:MM-HH:MM".' })
  allowedTradingHours!: string;

  @Field(() => Boolean, { description: "Members must enrol in MFA before acting in this company." })
  mfaRequired!: boolean;
}

@ObjectType({ simpleResolvers: true, description: "A mail domain a company claims; verified through a DNS TXT record." })
export class CompanyDomain {
  @Field(() => String)
  domain!: string;

  @Field(() => Boolean)
  verified!: boolean;

  @Field(() => DateTimeResolver, { nullable: true })
  verifiedAt!: Date | null;

  @Field(() => String, { description: "Publish a TXT record with this name…" })
  txtRecordName!: string;

  @Field(() => String, { description: "…holding exactly this value, then call verifyCompanyDomain." })
  txtRecordValue!: string;
}

@InputType()
export class CreateCompanyInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  industry?: string | null;

  @Field(() => String, { nullable: true })
  companySize?: string | null;
}

@InputType()
export class UpdateCompanyInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  industry?: string | null;

  @Field(() => String, { nullable: true })
  companySize?: string | null;
}

@InputType()
export class CompanySettingsInput {
  @Field(() => Boolean, { nullable: true })
  tradingEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  riskManagementRequired?: boolean | null;

  @Field(() => Int, { nullable: true })
  dataRetentionDays?: number | null;

  @Field(() => String, { nullable: true })
  allowedTradingHours?: string | null;

  @Field(() => Boolean, { nullable: true })
  mfaRequired?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class CompanyPayload {
  @Field(() => Company, { nullable: true })
  company?: Company | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
