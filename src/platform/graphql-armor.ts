import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ValidationRule } from "graphql";
import type { Config } from "../config.js";

/**
 * Refuses documents too deep, costly, aliased, directive-laden or long before they execute, and hides
 * field suggestions where configured. Depth counts through fragments of any name, `__schema` included.
 */
export function graphqlArmor(graphql: Config["graphql"]): { plugins: ApolloServerPlugin<BaseContext>[]; validationRules: ValidationRule[] } {
  const { limits } = graphql;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: false },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { n: limits.maxTokens },
    blockFieldSuggestion: { enabled: !graphql.fieldSuggestions },
  }).protect();
  // The package's types name @apollo/server's CommonJS declarations; ours are the ESM ones, the same code.
  return armor as unknown as { plugins: ApolloServerPlugin<BaseContext>[]; validationRules: ValidationRule[] };
}
