import { buildSchema, executeSync, graphql, parse } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, and, rule } from "graphql-shield";
import { describe, expect, it } from "vitest";
import { ruleMiddleware } from "./rule-middleware.js";

const typeDefs = `type Query { open: String secret: String unlisted: String worded: String both: String async: String }`;
const root = { open: "o", secret: "s", unlisted: "u", worded: "w", both: "b", async: "a" };

function schemaWith(counted: { signedIn: number }) {
  const signedIn = rule({ cache: "contextual" })((_parent, _args, context: { user?: string }) => {
    counted.signedIn++;
    return context.user ? true : new Error("sign in first");
  });
  const wordy = rule({ cache: "no_cache" })(() => "not for you");
  const later = rule({ cache: "no_cache" })(async (_parent, _args, context: { user?: string }) => context.user === "ann");
  const rules = { Query: { open: allow, secret: signedIn, worded: wordy, both: and(signedIn, later), async: later } };
  const schema = buildSchema(typeDefs);
  for (const [name, value] of Object.entries(root)) schema.getQueryType()!.getFields()[name]!.resolve = () => value;
  return applyMiddleware(schema, ruleMiddleware(rules, { fallbackError: new Error("denied") }));
}

describe("ruleMiddleware", () => {
  it("answers with shield's semantics: allow, a rule's error, a string as an error, deny for unlisted fields, logic rules", async () => {
    const counted = { signedIn: 0 };
    const schema = schemaWith(counted);
    const anonymous = await graphql({ schema, source: "{ open secret unlisted worded both async }", rootValue: root, contextValue: {} });
    expect(anonymous.data).toEqual({ open: "o", secret: null, unlisted: null, worded: null, both: null, async: null });
    expect(Object.fromEntries(anonymous.errors!.map((error) => [error.path![0], error.message]))).toEqual({
      secret: "sign in first",
      unlisted: "denied",
      worded: "not for you",
      both: "sign in first",
      async: "denied",
    });
    const ann = await graphql({ schema, source: "{ secret both async }", rootValue: root, contextValue: { user: "ann" } });
    expect(ann).toEqual({ data: { secret: "s", both: "b", async: "a" } });
    // A contextual rule runs once per request, however many fields it guards.
    expect(counted.signedIn).toBe(2);
  });

  it("lets fields whose rules answer at once resolve synchronously (shield's wrapper made every field a promise)", () => {
    const schema = schemaWith({ signedIn: 0 });
    const result = executeSync({ schema, document: parse("{ open secret unlisted }"), rootValue: root, contextValue: { user: "bob" } });
    expect(result.data).toEqual({ open: "o", secret: "s", unlisted: null });
  });
});
