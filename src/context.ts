import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import { createCompanyLoaders } from "./modules/companies/companies.loaders";
import { createUserLoaders } from "./modules/users/users.loaders";
import type { AccessContext } from "./permissions/access";
import type { Principal } from "./permissions/principal";
import type { AppDeps } from "./deps";

/** Everything a resolver may use for one request. */
export interface RequestContext extends AccessContext {
  deps: AppDeps;
  correlationId: string;
  logger: FastifyBaseLogger;
  principal: Principal | null;
  ip: string;
  userAgent: string | null;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(deps: AppDeps, principal: Principal | null) {
  const prisma = deps.database.prisma;
  return {
    ...createUserLoaders({ prisma }),
    ...createCompanyLoaders({ prisma, userId: principal?.userId ?? null }),
  };
}

/** Builds the per-request context: principal from the bearer token (no I/O on the hot path), fresh loaders. */
export async function createRequestContext(deps: AppDeps, request: FastifyRequest): Promise<RequestContext> {
  const principal = await deps.authenticate(request.headers.authorization);
  const loaders = createLoaders(deps, principal);
  return {
    deps,
    correlationId: request.id,
    logger: request.log,
    principal,
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
    loaders,
    companyRoleOf: (companyId) => loaders.companyRoleOfCaller.load(companyId),
  };
}
