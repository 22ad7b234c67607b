import { GraphQLError, isObjectType, type GraphQLSchema } from "graphql";
import { ErrorCode } from "./errors.js";

function badRepresentation(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

/** Whether a type can be fetched through `_entities` (it has a `__resolveReference`). */
function isEntityType(schema: GraphQLSchema, typename: string): boolean {
  const type = schema.getType(typename);
  return isObjectType(type) && typeof (type.extensions as { apollo?: { subgraph?: { resolveReference?: unknown } } }).apollo?.subgraph?.resolveReference === "function";
}

/**
 * Checks `_entities` representations before @apollo/subgraph reads them: each must be an object whose
 * `__typename` names an entity of this subgraph. A malformed one is the caller's mistake (BAD_USER_INPUT).
 */
export function validateEntityRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const entities = schema.getQueryType()?.getFields()._entities;
  const resolve = entities?.resolve;
  if (!entities || !resolve) return schema;
  entities.resolve = (source, args: { representations: unknown[] }, context, info) => {
    args.representations.forEach((representation, index) => {
      if (typeof representation !== "object" || representation === null || Array.isArray(representation)) {
        throw badRepresentation(`representations[${index}] must be an object`);
      }
      const { __typename } = representation as { __typename?: unknown };
      if (typeof __typename !== "string") throw badRepresentation(`representations[${index}] needs a string __typename`);
      if (!isEntityType(schema, __typename)) throw badRepresentation(`representations[${index}] names no entity type of this subgraph`);
    });
    return resolve(source, args, context, info);
  };
  return schema;
}

/** The `id` key of a representation, which the gateway sends as a string; anything else is BAD_USER_INPUT. */
export function representationId(reference: { id?: unknown }): string {
  if (typeof reference.id !== "string") throw badRepresentation("a representation's id must be a string");
  return reference.id;
}
