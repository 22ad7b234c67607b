import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { Config } from "../config";

/**
 * Refuses documents too deep, costly, aliased, directive-laden or long before they execute, and hides
 * field suggestions where configured. Depth counts through fragments of any name, `__schema` included.
 */
export function graphqlArmor(graphql: Config["graphql"]) {
  const { limits } = graphql;
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: false },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { n: limits.maxTokens },
    blockFieldSuggestion: { enabled: !graphql.fieldSuggestions },
  }).protect();
}
