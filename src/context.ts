import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import type { AppDeps } from "./deps.js";
import { createCompanyLoaders } from "./modules/companies/companies.loaders.js";
import type { SessionActor } from "./modules/security/audit.service.js";
import { isPlatformOperator } from "./modules/security/operators.service.js";
import { createSubscriptionLoaders } from "./modules/subscriptions/subscriptions.loaders.js";
import { tierHasFeature } from "./modules/subscriptions/tiers.js";
import { createUserLoaders } from "./modules/users/users.loaders.js";
import type { AccessContext } from "./permissions/access.js";
import { principalFromClaims, requirePrincipal, type Principal } from "./permissions/principal.js";

/** Everything a resolver may use for one request. */
export interface RequestContext extends AccessContext {
  deps: AppDeps;
  correlationId: string;
  logger: FastifyBaseLogger;
  principal: Principal | null;
  ip: string;
  userAgent: string | null;
  loaders: ReturnType<typeof createUserLoaders> & ReturnType<typeof createCompanyLoaders> & ReturnType<typeof createSubscriptionLoaders>;
  /** Makes the rest of this request act as the holder of a token just issued (after register or login). */
  actAs(accessToken: string): Promise<void>;
}

/** Builds the per-request context: principal from the bearer token (no I/O on the hot path), fresh loaders. */
export async function createRequestContext(deps: AppDeps, request: FastifyRequest): Promise<RequestContext> {
  const prisma = deps.database.prisma;
  // Shared by reference: the executor works on a shallow copy of the context object.
  const caller = { principal: await deps.authenticate(request.headers.authorization) };
  let operator: Promise<boolean> | undefined;
  const context: RequestContext = {
    deps,
    correlationId: request.id,
    logger: request.log,
    principal: caller.principal,
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
    loaders: {
      ...createUserLoaders({ prisma, cache: deps.cache }),
      ...createCompanyLoaders({ prisma, cache: deps.cache, callerId: () => caller.principal?.userId ?? null }),
      ...createSubscriptionLoaders({ prisma, config: deps.config }),
    },
    async companyRoleOf(this: RequestContext, companyId: string) {
      const principal = caller.principal;
      if (!principal) return null;
      // The guard has just checked that the token's role in its own company is still the current one.
      if (companyId === principal.companyId) return principal.role;
      return (await this.loaders.rolesOfCaller()).get(companyId.toLowerCase()) ?? null;
    },
    managesUser(this: RequestContext, userId: string) {
      return this.loaders.managedByCaller.load(userId);
    },
    adminOfUser(this: RequestContext, userId: string) {
      return this.loaders.administeredByCaller.load(userId);
    },
    async companyRequiresMfa(this: RequestContext, companyId: string) {
      return (await this.loaders.settingsOfCompany.load(companyId)).mfaRequired;
    },
    async isMemberOfActiveCompany(this: RequestContext, userId: string) {
      const companyId = caller.principal?.companyId;
      if (!companyId) return false;
      return (await this.loaders.membershipsOfUser.load(userId)).some((membership) => membership.companyId === companyId);
    },
    isPlatformOperator(this: RequestContext) {
      const principal = caller.principal;
      operator ??= principal ? isPlatformOperator(deps.services, principal.userId) : Promise.resolve(false);
      return operator;
    },
    async planIncludes(this: RequestContext, companyId: string, feature: string) {
      const principal = caller.principal;
      if (!principal) return false;
      const tier = companyId === principal.companyId ? principal.tier : ((await this.loaders.subscriptionOfCompany.load(companyId))?.tier ?? "FREE");
      return tierHasFeature(tier, feature);
    },
    companyOfInvitation(this: RequestContext, invitationId: string) {
      return this.loaders.companyOfInvitation.load(invitationId);
    },
    async actAs(this: RequestContext, accessToken: string) {
      caller.principal = this.principal = principalFromClaims(await deps.tokens.verifyAccessToken(accessToken));
      this.loaders.forgetCaller();
      operator = undefined;
    },
  };
  return context;
}

/** The signed-in caller as the services see them: who, and from where. */
export function actorOf(context: RequestContext): SessionActor {
  const principal = requirePrincipal(context.principal);
  return {
    userId: principal.userId,
    sessionId: principal.sessionId,
    authTime: principal.authTime,
    amr: principal.amr,
    ip: context.ip,
    userAgent: context.userAgent,
    correlationId: context.correlationId,
  };
}

/** Where the request comes from, for calls made before anyone is signed in. */
export function clientOf(context: RequestContext) {
  return { ip: context.ip, userAgent: context.userAgent, correlationId: context.correlationId };
}
