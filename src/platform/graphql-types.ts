import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "An expected problem with a mutation's input or outcome." })
export class UserError {
  @Field(() => [String], { nullable: true, description: "Path to the input field at fault, when there is one." })
  field?: string[];

  @Field(() => String, { description: "Machine-readable code (see src/platform/errors.ts)." })
  code!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType()
export class MutationResult {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
