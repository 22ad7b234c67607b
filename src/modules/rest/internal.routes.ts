import { toJson } from "@bufbuild/protobuf";
import type { FastifyInstance } from "fastify";
import { ErrorResponseSchema } from "../../generated/proto/user_management/v1/errors_pb.js";
import type { AppDeps } from "../../deps.js";
import { secretsEqual } from "../../platform/crypto.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { bearerToken } from "../../platform/tokens/index.js";
import { verifyUsers } from "../users/verification.service.js";
import { restFailureOf } from "./rest-errors.js";

/**
 * Routes for the platform's other services, authenticated by a service credential from config
 * (INTERNAL_SERVICE_TOKENS), never by a user's token.
 */
export async function internalRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const known = deps.config.rest.serviceTokens;

  /** The calling service's name, or undefined; each credential is compared in constant time. */
  function callingService(authorization: string | undefined): string | undefined {
    const token = authorization ? bearerToken(authorization) : null;
    if (!token) return undefined;
    return known.find((entry) => secretsEqual(entry.token, token))?.name;
  }

  app.post("/internal/users/verify", async (request, reply) => {
    try {
      const service = callingService(request.headers.authorization);
      if (!service) throw new DomainError(ErrorCode.UNAUTHENTICATED, "Send Authorization: Bearer <service token>");
      const body = request.body as { companyId?: unknown; userIds?: unknown } | undefined;
      if (typeof body?.companyId !== "string" || !Array.isArray(body.userIds) || !body.userIds.every((id) => typeof id === "string")) {
        throw new DomainError(ErrorCode.BAD_USER_INPUT, "Send JSON { companyId: string, userIds: string[] }");
      }
      request.log.info({ service, ids: body.userIds.length }, "batch user verification");
      return await verifyUsers(deps.services, body.companyId, body.userIds as string[]);
    } catch (error) {
      const failure = restFailureOf(error);
      return reply.code(failure.status).send(toJson(ErrorResponseSchema, failure.body));
    }
  });
}
