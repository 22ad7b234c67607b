import { DateTimeResolver } from "graphql-scalars";
import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { CompanyType } from "../../generated/prisma/enums";

registerEnumType(CompanyType, { name: "CompanyType" });

@Directive(`@key(fields: "id")`)
@ObjectType({ description: "A tenant: a person's individual workspace or an organization." })
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
