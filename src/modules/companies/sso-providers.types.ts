import { DateTimeResolver } from "graphql-scalars";
import { Field, InputType, ObjectType } from "type-graphql";
import { UserError } from "../../platform/graphql-types.js";

@ObjectType({ simpleResolvers: true, description: "A company's own OIDC identity provider: its members sign in with registrationType ENTERPRISE." })
export class CompanySsoProvider {
  @Field(() => String, { description: "Compared exactly with the ID token's `iss`." })
  issuer!: string;

  @Field(() => String, { description: "Where the provider publishes its signing keys." })
  jwksUrl!: string;

  @Field(() => String, { description: "The client id the provider issued to this platform (the ID token's `aud`)." })
  clientId!: string;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;
}

@InputType()
export class CompanySsoProviderInput {
  @Field(() => String, { description: "https URL, e.g. https://login.acme.example" })
  issuer!: string;

  @Field(() => String, { description: "https URL of the provider's JWKS" })
  jwksUrl!: string;

  @Field(() => String)
  clientId!: string;
}

@ObjectType({ simpleResolvers: true })
export class CompanySsoProviderPayload {
  @Field(() => CompanySsoProvider, { nullable: true })
  ssoProvider?: CompanySsoProvider | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
