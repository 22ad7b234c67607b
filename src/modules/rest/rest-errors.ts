import { create } from "@bufbuild/protobuf";
import { ErrorResponseSchema, type ErrorResponse } from "../../generated/proto/user_management/v1/errors_pb.js";
import { isDatabaseUnavailable } from "../../platform/db/unavailable.js";
import { DomainError, DomainErrors, ErrorCode, serviceUnavailableMessage, serviceUnavailableRetryAfterSeconds, type UserErrorShape } from "../../platform/errors.js";

/** Codes whose HTTP status is not 400 (every other expected problem is the caller's input). */
const statusOfCode: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.INVALID_CREDENTIALS]: 401,
  [ErrorCode.MFA_REQUIRED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.ACCOUNT_SUSPENDED]: 403,
  [ErrorCode.ACCOUNT_LOCKED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.EMAIL_TAKEN]: 409,
  [ErrorCode.ACCOUNT_LINK_REQUIRED]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SSO_PROVIDER_UNAVAILABLE]: 503,
};

export interface RestFailure {
  status: number;
  body: ErrorResponse;
  retryAfterSeconds?: number;
}

/** A service's expected failure (or a database outage: 503) as an HTTP status and ErrorResponse; anything else is rethrown (a 500). */
export function restFailureOf(error: unknown): RestFailure {
  if (isDatabaseUnavailable(error)) {
    const shape = { code: ErrorCode.SERVICE_UNAVAILABLE, message: serviceUnavailableMessage, retryAfterSeconds: serviceUnavailableRetryAfterSeconds };
    return { status: 503, body: errorResponse([shape]), retryAfterSeconds: shape.retryAfterSeconds };
  }
  const problems = error instanceof DomainErrors ? error.errors : error instanceof DomainError ? [error] : undefined;
  if (!problems) throw error;
  const shapes: UserErrorShape[] = problems.map((problem) => ({
    code: problem.code,
    message: problem.message,
    // REST bodies are the input itself, so "input" drops off the GraphQL path.
    field: problem.field?.[0] === "input" ? problem.field.slice(1) : problem.field,
    retryAfterSeconds: problem.retryAfterSeconds,
  }));
  const retryAfterSeconds = shapes.find((shape) => shape.retryAfterSeconds !== undefined)?.retryAfterSeconds;
  return { status: statusOfCode[shapes[0]!.code] ?? 400, body: errorResponse(shapes), retryAfterSeconds };
}

export function errorResponse(shapes: UserErrorShape[]): ErrorResponse {
  return create(ErrorResponseSchema, {
    errors: shapes.map((shape) => ({ code: shape.code, message: shape.message, field: shape.field ?? [], retryAfterSeconds: shape.retryAfterSeconds })),
  });
}
