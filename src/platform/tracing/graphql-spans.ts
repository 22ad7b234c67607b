import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { context, trace, type Span } from "@opentelemetry/api";
import { defaultFieldResolver, GraphQLObjectType, responsePathAsArray, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { getMetadataStorage } from "type-graphql";
import { recordFailure, tracer } from "./spans.js";

const operationSpanKey = Symbol("user-management.operation-span");

type TracedContext = BaseContext & { [operationSpanKey]?: Span };

/**
 * Spans for GraphQL: one per operation (`query Me`) and one per call of a resolver of ours (root fields
 * and `@FieldResolver`s; fields read off their parent object get none). Wraps the schema's resolvers,
 * so call it only when telemetry is on: with it off, no field is touched.
 */
export function traceGraphql(schema: GraphQLSchema): ApolloServerPlugin {
  for (const [typeName, fieldName] of ownResolverFields(schema)) {
    const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!;
    field.resolve = resolverInSpan(`${typeName}.${fieldName}`, field.resolve ?? defaultFieldResolver);
  }
  return {
    async requestDidStart({ contextValue }) {
      const span = tracer.startSpan("graphql");
      (contextValue as TracedContext)[operationSpanKey] = span;
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          span.updateName(operationName ? `${operation.operation} ${operationName}` : operation.operation);
          span.setAttribute("graphql.operation.type", operation.operation);
          if (operationName) span.setAttribute("graphql.operation.name", operationName);
        },
        async didEncounterErrors({ errors }) {
          span.setAttribute("graphql.error.count", errors.length);
        },
        async willSendResponse() {
          span.end();
        },
      };
    },
  };
}

/** Root fields of Query and Mutation (`_entities` included) and the fields type-graphql resolves with a `@FieldResolver`. */
function ownResolverFields(schema: GraphQLSchema): [string, string][] {
  const fields: [string, string][] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const name of Object.keys(root?.getFields() ?? {})) fields.push([root!.name, name]);
  }
  const metadata = getMetadataStorage();
  for (const resolver of metadata.fieldResolvers) {
    const objectClass = resolver.getObjectType?.();
    const typeName = metadata.objectTypes.find((objectType) => objectType.target === objectClass)?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    if (type instanceof GraphQLObjectType && type.getFields()[resolver.schemaName]) fields.push([type.name, resolver.schemaName]);
  }
  return fields;
}

function resolverInSpan(coordinate: string, resolve: GraphQLFieldResolver<unknown, TracedContext>): GraphQLFieldResolver<unknown, TracedContext> {
  return (source, args, contextValue, info) => {
    const operation = contextValue?.[operationSpanKey];
    const parent = operation ? trace.setSpan(context.active(), operation) : context.active();
    const span = tracer.startSpan(
      `resolve ${coordinate}`,
      {
        attributes: {
          "graphql.field.name": info.fieldName,
          "graphql.field.path": responsePathAsArray(info.path).join("."),
          "graphql.field.type": info.returnType.toString(),
          "graphql.parent.type": info.parentType.name,
        },
      },
      parent,
    );
    return context.with(trace.setSpan(parent, span), () => {
      let result: unknown;
      try {
        result = resolve(source, args, contextValue, info);
      } catch (error) {
        recordFailure(span, error);
        span.end();
        throw error;
      }
      if (!(result instanceof Promise)) {
        span.end();
        return result;
      }
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          recordFailure(span, error);
          span.end();
          throw error;
        },
      );
    });
  };
}
