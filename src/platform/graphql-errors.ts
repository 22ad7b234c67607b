import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable } from "./db/unavailable.js";
import { DomainError, ErrorCode, serviceUnavailableMessage, serviceUnavailableRetryAfterSeconds } from "./errors.js";

const knownCodes = new Set<string>([
  ...Object.values(ErrorCode),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

function isClientStatus(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/** Keeps expected errors as they are and turns anything else into a bare INTERNAL_SERVER_ERROR. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  // Apollo's own request errors without a code (a persisted-query hash that does not match) carry a 4xx status: the caller's mistake.
  if (original instanceof GraphQLError && original.extensions.code === undefined && isClientStatus(original.extensions.http)) {
    return { message: formatted.message, extensions: { code: "BAD_REQUEST" } };
  }
  if (original instanceof GraphQLError && typeof code === "string" && knownCodes.has(code)) {
    return formatted;
  }
  // A service's expected failure reaching a query (a bad page size or cursor) is the caller's to fix.
  if (original instanceof DomainError) {
    return { message: original.message, path: formatted.path, extensions: { code: original.code, field: original.field } };
  }
  if (isDatabaseUnavailable(original)) {
    return { message: serviceUnavailableMessage, path: formatted.path, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
  }
  return { message: "Internal server error", path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

interface CorrelatedContext extends BaseContext {
  correlationId: string;
  logger: { error(details: object, message: string): void; warn(details: object, message: string): void };
}

/** Logs unexpected errors with the request's correlation id and gives that id to the client. */
export function unexpectedErrorPlugin(): ApolloServerPlugin<CorrelatedContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (isDatabaseUnavailable(original)) {
              contextValue.logger.warn({ err: original, path: error.path }, "database unavailable while resolving");
            } else if (!(original instanceof GraphQLError) && !(original instanceof DomainError)) {
              contextValue.logger.error({ err: original, path: error.path }, "unexpected error while resolving");
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR || error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) {
              (error.extensions as Record<string, unknown>).correlationId = contextValue.correlationId;
            }
            if (error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) response.http.headers.set("retry-after", String(serviceUnavailableRetryAfterSeconds));
          }
        },
      };
    },
  };
}
