import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  UserRegistrationRequestSchema,
  UserRegistrationResponse_VerificationStatus as VerificationStatus,
  UserRegistrationResponseSchema,
} from "../../generated/proto/user_management/v1/registration_pb.js";
import { UserProfileSchema } from "../../generated/proto/user_management/v1/user_context_pb.js";
import type { AppDeps } from "../../deps.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { register } from "../auth/auth.service.js";
import { ErrorResponseSchema } from "../../generated/proto/user_management/v1/errors_pb.js";
import { errorResponse, restFailureOf, type RestFailure } from "./rest-errors.js";
import { contentTypes, decodeBody, encodeBody, formatOfContentType, responseFormat, type WireFormat } from "./rest-format.js";
import { profileOf } from "./rest-profile.js";
import { registrationInputOf } from "./rest-registration.js";

/**
 * The first seed's REST API: `POST /user/register` and `GET /user/profile`, in protobuf or its JSON mapping,
 * answered by the same services (validation, rate limits, audit) as the GraphQL operations.
 */
export async function restRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const bodyLimit = deps.config.rest.bodyLimitBytes;
  app.addContentTypeParser(["application/x-protobuf", "application/protobuf", "application/vnd.google.protobuf"], { parseAs: "buffer", bodyLimit }, (_request, body, done) => done(null, body));

  app.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const failure = frameworkFailure(error);
    if (!failure) throw error;
    return sendFailure(request, reply, failure);
  });

  app.post("/user/register", { bodyLimit }, async (request, reply) => {
    const format = formatOfContentType(request.headers["content-type"]);
    try {
      if (!format) throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send application/x-protobuf or application/json");
      const message = decodeBody(UserRegistrationRequestSchema, format, request.body);
      const client = { ip: request.ip, userAgent: request.headers["user-agent"] ?? null, correlationId: request.id };
      const outcome = await register(deps.services, registrationInputOf(message), client);
      if (outcome.kind === "mfa_required") {
        throw new DomainError(ErrorCode.MFA_REQUIRED, "This account signs in with a second factor: use the GraphQL login and verifyMfa");
      }
      const status = outcome.kind === "registered" ? outcome.status : outcome.user.verificationStatus;
      const answer = create(UserRegistrationResponseSchema, {
        userId: outcome.user.id,
        accessToken: outcome.tokens.accessToken,
        refreshToken: outcome.tokens.refreshToken,
        status: VerificationStatus[status],
        companyId: outcome.companyId,
        expiresIn: outcome.tokens.expiresIn,
      });
      return send(request, reply, outcome.kind === "registered" ? 201 : 200, UserRegistrationResponseSchema, answer, format);
    } catch (error) {
      return sendFailure(request, reply, restFailureOf(error), format);
    }
  });

  app.get("/user/profile", async (request, reply) => {
    try {
      const principal = await principalOrNull(deps, request.headers.authorization);
      if (!principal) throw new DomainError(ErrorCode.UNAUTHENTICATED, "Send Authorization: Bearer <access token>");
      return send(request, reply, 200, UserProfileSchema, await profileOf(deps.services, principal), undefined);
    } catch (error) {
      return sendFailure(request, reply, restFailureOf(error));
    }
  });
}

/** The caller's principal, or null when the header is missing or refused: REST answers both with one UNAUTHENTICATED. */
async function principalOrNull(deps: AppDeps, authorization: string | undefined) {
  try {
    return await deps.authenticate(authorization);
  } catch {
    return null;
  }
}

function send<Desc extends DescMessage>(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  schema: Desc,
  message: MessageShape<Desc>,
  requestFormat: WireFormat | undefined,
) {
  const format = responseFormat(request.headers.accept, requestFormat);
  return reply.code(status).type(contentTypes[format]).send(encodeBody(schema, format, message));
}

function sendFailure(request: FastifyRequest, reply: FastifyReply, failure: RestFailure, requestFormat = formatOfContentType(request.headers["content-type"])) {
  if (failure.retryAfterSeconds !== undefined) reply.header("retry-after", String(failure.retryAfterSeconds));
  return send(request, reply, failure.status, ErrorResponseSchema, failure.body, requestFormat);
}

/** Fastify's own refusals (body too large, unknown content type, unparsable JSON) in the REST error format. */
function frameworkFailure(error: { code?: string; statusCode?: number; message: string }): RestFailure | undefined {
  const refusal = (status: number, code: string, message: string): RestFailure => ({ status, body: errorResponse([{ code, message }]) });
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return refusal(413, ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than this endpoint accepts");
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return refusal(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send application/x-protobuf or application/json");
  if (error.statusCode === 400) return refusal(400, ErrorCode.BAD_USER_INPUT, "The body could not be parsed");
  return undefined;
}
