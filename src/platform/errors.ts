import { GraphQLError } from "graphql";

/**
 * Every error code the service answers with, each with what raises it. Payload `userErrors` and
 * GraphQL `extensions.code` both take their codes from here.
 */
export const ErrorCode = {
  /** No valid access token where one is required. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** Authenticated, but the principal may not do or see this. */
  FORBIDDEN: "FORBIDDEN",
  /** Input failed validation (GraphQL validation or the service's own rules). */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** Anything unexpected; the client sees only the correlation id. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /** The object asked for does not exist or is not visible to the caller. */
  NOT_FOUND: "NOT_FOUND",
  /** Registration or email change to an address another account uses. */
  EMAIL_TAKEN: "EMAIL_TAKEN",
  /** Login with an unknown email or a wrong password (never says which). */
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  /** Password shorter or longer than the policy allows, or equal to the email. */
  WEAK_PASSWORD: "WEAK_PASSWORD",
  /** A refresh token that is unknown, expired, reused or whose session ended. */
  INVALID_REFRESH_TOKEN: "INVALID_REFRESH_TOKEN",
  /** A field value longer than its limit. */
  TOO_LONG: "TOO_LONG",
  /** A required value is missing. */
  REQUIRED: "REQUIRED",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected outcome the caller can act on; services return or throw it, resolvers map it. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** A wiring mistake (a rule or resolver set up wrongly); fails loudly instead of letting a request through. */
export class BugError extends Error {
  constructor(code: `BUG_${string}`, message: string) {
    super(`${code}: ${message}`);
    this.name = "BugError";
  }
}

export interface UserErrorShape {
  field?: string[];
  code: string;
  message: string;
}

export function toUserError(error: DomainError): UserErrorShape {
  return { field: error.field, code: error.code, message: error.message };
}

export function unauthenticated(message = "Authentication required"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** A whole request refused for its credentials (a bad or expired bearer token): HTTP 401. */
export function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message = "Not allowed"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}
