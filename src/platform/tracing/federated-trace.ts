import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { GraphQLError } from "graphql";
import { formatError } from "../graphql-errors.js";

/**
 * Federated tracing (ftv1): a request with `apollo-federation-include-trace: ftv1` gets its field timings
 * in `extensions.ftv1`; any other request is executed without per-field hooks.
 */
export function federatedTracePlugin(enabled: boolean): ApolloServerPlugin {
  return enabled ? ApolloServerPluginInlineTrace({ includeErrors: { transform: traceableError } }) : ApolloServerPluginInlineTraceDisabled();
}

/** The error as the trace may show it: what the client is told (formatError), never an internal message. */
export function traceableError(error: GraphQLError): GraphQLError {
  const safe = formatError(error.toJSON(), error);
  return new GraphQLError(safe.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: safe.extensions });
}
