import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import type { AppDeps } from "./deps";
import { createCompanyLoaders } from "./modules/companies/companies.loaders";
import { createUserLoaders } from "./modules/users/users.loaders";
import type { AccessContext } from "./permissions/access";
import { principalFromClaims, type Principal } from "./permissions/principal";

/** Everything a resolver may use for one request. */
export interface RequestContext extends AccessContext {
  deps: AppDeps;
  correlationId: string;
  logger: FastifyBaseLogger;
  principal: Principal | null;
  ip: string;
  userAgent: string | null;
  loaders: ReturnType<typeof createUserLoaders> & ReturnType<typeof createCompanyLoaders>;
  /** Makes the rest of this request act as the holder of a token just issued (after register or login). */
  actAs(accessToken: string): Promise<void>;
}

/** Builds the per-request context: principal from the bearer token (no I/O on the hot path), fresh loaders. */
export async function createRequestContext(deps: AppDeps, request: FastifyRequest): Promise<RequestContext> {
  const prisma = deps.database.prisma;
  // Shared by reference: the executor works on a shallow copy of the context object.
  const caller = { principal: await deps.authenticate(request.headers.authorization) };
  const context: RequestContext = {
    deps,
    correlationId: request.id,
    logger: request.log,
    principal: caller.principal,
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
    loaders: {
      ...createUserLoaders({ prisma, cache: deps.cache }),
      ...createCompanyLoaders({ prisma, callerId: () => caller.principal?.userId ?? null }),
    },
    companyRoleOf(this: RequestContext, companyId: string) {
      return this.loaders.companyRoleOfCaller.load(companyId);
    },
    async actAs(this: RequestContext, accessToken: string) {
      caller.principal = this.principal = principalFromClaims(await deps.tokens.verifyAccessToken(accessToken));
      this.loaders.companyRoleOfCaller.clearAll();
    },
  };
  return context;
}
