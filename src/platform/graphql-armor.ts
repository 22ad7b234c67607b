import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ParseOptions, ValidationRule } from "graphql";
import type { Config } from "../config.js";

export interface GraphqlLimits {
  plugins: ApolloServerPlugin<BaseContext>[];
  validationRules: ValidationRule[];
  /** graphql-js's own token limit: a longer document is a syntax error (HTTP 400), refused while it is parsed. */
  parseOptions: ParseOptions;
}

/**
 * Refuses documents too deep, costly, aliased, directive-laden or long before they execute, and hides
 * field suggestions where configured. Depth counts through fragments of any name, `__schema` included.
 */
export function graphqlArmor(graphql: Config["graphql"]): GraphqlLimits {
  const { limits } = graphql;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: false },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    // Its Apollo plugin parses every document a second time and throws from a hook, which answers HTTP 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !graphql.fieldSuggestions },
  }).protect();
  // The package's types name @apollo/server's CommonJS declarations; ours are the ESM ones, the same code.
  const { plugins, validationRules } = armor as unknown as Omit<GraphqlLimits, "parseOptions">;
  return { plugins, validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
