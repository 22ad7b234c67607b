import { Directive, Field, Int, ObjectType } from "type-graphql";
import { userErrorsFrom } from "./errors.js";

@ObjectType({ simpleResolvers: true, description: "An expected problem with a mutation's input or outcome." })
export class UserError {
  @Field(() => [String], { nullable: true, description: "Path to the input field at fault, when there is one." })
  field?: string[];

  @Field(() => String, { description: "Machine-readable code (see src/platform/errors.ts)." })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Int, { nullable: true, description: "RATE_LIMITED: seconds until the next attempt is accepted." })
  retryAfterSeconds?: number;
}

@ObjectType({ simpleResolvers: true })
export class MutationResult {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Directive("@shareable")
@ObjectType({ simpleResolvers: true, description: "Where a page of a list ends." })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "Pass as `after` for the next page." })
  endCursor!: string | null;
}

/** Runs a mutation's work and answers `{ ok, userErrors }`; unexpected errors propagate. */
export async function mutationResult(work: () => Promise<unknown>): Promise<MutationResult> {
  try {
    await work();
    return { ok: true, userErrors: [] };
  } catch (error) {
    return { ok: false, userErrors: userErrorsFrom(error) };
  }
}
