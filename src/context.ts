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
import type { Role } from "./permissions/roles.js";

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

type Loaders = RequestContext["loaders"];

/** What a request's context and Apollo's shallow copy of it share by reference. */
interface SharedState {
  principal: Principal | null;
  loaders?: Loaders;
  operator?: Promise<boolean>;
}

/**
 * One request's context. Methods and lazy parts live on the prototype, so Apollo's per-request copy
 * (Object.assign of the own fields) costs a few fields, and loaders are made only when a field needs them.
 */
class GraphqlRequestContext implements RequestContext {
  readonly #state: SharedState;
  readonly shared: SharedState;

  constructor(
    readonly deps: AppDeps,
    readonly correlationId: string,
    readonly logger: FastifyBaseLogger,
    readonly ip: string,
    readonly userAgent: string | null,
    principal: Principal | null,
  ) {
    this.shared = this.#state = { principal };
  }

  get principal(): Principal | null {
    return this.shared.principal;
  }

  get loaders(): Loaders {
    const { prisma } = this.deps.database;
    const { cache, config } = this.deps;
    const state = this.shared;
    return (state.loaders ??= {
      ...createUserLoaders({ prisma, cache }),
      ...createCompanyLoaders({ prisma, cache, callerId: () => state.principal?.userId ?? null }),
      ...createSubscriptionLoaders({ prisma, config }),
    });
  }

  companyRoleOf(companyId: string): Role | null | Promise<Role | null> {
    const principal = this.principal;
    if (!principal) return null;
    // The guard has just checked that the token's role in its own company is still the current one.
    if (companyId === principal.companyId) return principal.role;
    return this.loaders.rolesOfCaller().then((roles) => roles.get(companyId.toLowerCase()) ?? null);
  }

  managesUser(userId: string) {
    return this.loaders.managedByCaller.load(userId);
  }

  adminOfUser(userId: string) {
    return this.loaders.administeredByCaller.load(userId);
  }

  async companyRequiresMfa(companyId: string) {
    return (await this.loaders.settingsOfCompany.load(companyId)).mfaRequired;
  }

  async isMemberOfActiveCompany(userId: string) {
    const companyId = this.principal?.companyId;
    if (!companyId) return false;
    return (await this.loaders.membershipsOfUser.load(userId)).some((membership) => membership.companyId === companyId);
  }

  isPlatformOperator() {
    const principal = this.principal;
    return (this.shared.operator ??= principal ? isPlatformOperator(this.deps.services, principal.userId) : Promise.resolve(false));
  }

  async planIncludes(companyId: string, feature: string) {
    const principal = this.principal;
    if (!principal) return false;
    const tier = companyId === principal.companyId ? principal.tier : ((await this.loaders.subscriptionOfCompany.load(companyId))?.tier ?? "FREE");
    return tierHasFeature(tier, feature);
  }

  companyOfInvitation(invitationId: string) {
    return this.loaders.companyOfInvitation.load(invitationId);
  }

  async actAs(accessToken: string) {
    const state = this.shared;
    state.principal = principalFromClaims(await this.deps.tokens.verifyAccessToken(accessToken));
    state.loaders?.forgetCaller();
    state.operator = undefined;
  }
}

/** Builds the per-request context: principal from the bearer token (no I/O on the hot path). */
export async function createRequestContext(deps: AppDeps, request: FastifyRequest): Promise<RequestContext> {
  const principal = await deps.authenticate(request.headers.authorization);
  return new GraphqlRequestContext(deps, request.id, request.log, request.ip, request.headers["user-agent"] ?? null, principal);
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
