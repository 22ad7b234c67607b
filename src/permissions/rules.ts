import { allow, rule } from "graphql-shield";
import type { IRule } from "graphql-shield";
import { BugError, featureNotInPlan, forbidden, mfaEnrolmentRequired, unauthenticated } from "../platform/errors.js";
import type { AccessContext } from "./access.js";
import { hasPermission, hasRoleAtLeast, type Permission, type Role } from "./roles.js";

/** Anyone, signed in or not. */
export const isPublic = allow;

/**
 * A caller with a valid access token, decided once per request. Register and login sign a request in
 * midway, so a cached "no" can only wrongly deny (in a document that signs in after asking), never allow.
 */
export const isAuthenticated = rule({ cache: "contextual" })((_parent, _args, context: AccessContext) =>
  context.principal ? true : unauthenticated(),
);

function idOf(value: unknown, key: string, ruleName: string): string {
  const id = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof id !== "string") throw new BugError("BUG_RULE_WITHOUT_ID", `${ruleName} applied where there is no ${key}`);
  return id;
}

/** The user object is the caller themself. */
export const isSelf = rule({ cache: "no_cache" })((parent: unknown, _args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  return idOf(parent, "id", "isSelf") === context.principal.userId ? true : forbidden("Only the user themself may see this field");
});

/** The user object is the caller (decided at once), or someone in a company where the caller is MANAGER or above. */
export const isSelfOrTheirManager = rule({ cache: "no_cache" })((parent: unknown, _args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  const userId = idOf(parent, "id", "isSelfOrTheirManager");
  if (userId === context.principal.userId) return true;
  return context.managesUser(userId).then((manages) => manages || forbidden("Only the user themself and managers of their company may see this field"));
});

/** Where a rule finds the company it decides on. */
type CompanyOf = "args.companyId" | "parent.id" | "parent.companyId";

function companyIdOf(where: CompanyOf, parent: unknown, args: unknown, ruleName: string): string {
  if (where === "args.companyId") return idOf(args, "companyId", ruleName);
  return idOf(parent, where === "parent.id" ? "id" : "companyId", ruleName);
}

// Shield requires one instance per rule name, so each parameterised rule is made once.
const madeRules = new Map<string, IRule>();
function once(name: string, make: (name: string) => IRule): IRule {
  let made = madeRules.get(name);
  if (!made) madeRules.set(name, (made = make(name)));
  return made;
}

/** A member's access to a company whose settings require MFA needs a second factor proven in the session. */
async function secondFactorProblem(context: AccessContext, companyId: string) {
  if (context.principal!.amr.includes("otp")) return undefined;
  return (await context.companyRequiresMfa(companyId)) ? mfaEnrolmentRequired() : undefined;
}

/** The caller holds `required` or a higher role in the company (found as `where` says), with MFA where it requires it. */
export function hasCompanyRole(required: Role, where: CompanyOf): IRule {
  return once(`role:${required}:${where}`, (name) => rule(name, { cache: "no_cache" })(async (parent, args, context: AccessContext) => {
    if (!context.principal) return unauthenticated();
    const companyId = companyIdOf(where, parent, args, "hasCompanyRole");
    const role = await context.companyRoleOf(companyId);
    if (!role || !hasRoleAtLeast(role, required)) return forbidden(`Only ${required === "VIEWER" ? "members" : `${required}s and above`} of this company may do this`);
    return (await secondFactorProblem(context, companyId)) ?? true;
  }));
}

/** The caller's role in the company (found as `where` says) grants `permission`, with MFA where it requires it. */
export function hasCompanyPermission(permission: Permission, where: CompanyOf): IRule {
  return once(`permission:${permission}:${where}`, (name) => rule(name, { cache: "no_cache" })(async (parent, args, context: AccessContext) => {
    if (!context.principal) return unauthenticated();
    const companyId = companyIdOf(where, parent, args, "hasCompanyPermission");
    const role = await context.companyRoleOf(companyId);
    if (!role || !hasPermission(role, permission)) return forbidden(`This needs the ${permission} permission in this company`);
    return (await secondFactorProblem(context, companyId)) ?? true;
  }));
}

/** A platform operator (PLATFORM_OPERATOR_IDS, or flagged in the database). */
export const isPlatformOperator = rule({ cache: "contextual" })(async (_parent, _args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  return (await context.isPlatformOperator()) ? true : forbidden("Only platform operators may do this");
});

/** A platform operator, or ADMIN+ of a company the user named by `args.userId` belongs to. */
export const canAdministerUser = rule({ cache: "no_cache" })(async (_parent, args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  const userId = idOf(args, "userId", "canAdministerUser");
  if ((await context.isPlatformOperator()) || (await context.adminOfUser(userId))) return true;
  return forbidden("Only platform operators and ADMINs of the user's company may do this");
});

/** The caller's own events (no `args.userId`), or ADMIN+ of the active company asking about one of its members. */
export const canSeeSecurityEvents = rule({ cache: "no_cache" })(async (_parent, args, context: AccessContext) => {
  const principal = context.principal;
  if (!principal) return unauthenticated();
  const userId = (args as { userId?: string | null }).userId;
  if (!userId || userId.toLowerCase() === principal.userId) return true;
  if (hasPermission(principal.role, "users.manage") && (await context.isMemberOfActiveCompany(userId))) return true;
  return forbidden("Only the user themself and ADMINs of their company may see these events");
});

/** The invitation named by `args.id` belongs to a company where the caller may manage users. */
export const canManageInvitation = rule({ cache: "no_cache" })(async (_parent, args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  const companyId = await context.companyOfInvitation(idOf(args, "id", "canManageInvitation"));
  const role = companyId ? await context.companyRoleOf(companyId) : null;
  return role && hasPermission(role, "users.manage") ? true : forbidden("Only ADMINs and above of the invitation's company may do this");
});

/** A membership is visible to its own user and to members of its company. */
export const isMembershipVisible = rule({ cache: "no_cache" })((parent: unknown, _args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  if (idOf(parent, "userId", "isMembershipVisible") === context.principal.userId) return true;
  const visible = (role: Role | null) => (role ? true : forbidden("Only members of this company may see it"));
  // Decided at once in the token's own company, the members page's case.
  const role = context.companyRoleOf(idOf(parent, "companyId", "isMembershipVisible"));
  return role instanceof Promise ? role.then(visible) : visible(role);
});

/** The company's subscription tier includes `feature` (a name from src/modules/subscriptions/tiers.ts). */
export function requiresFeature(feature: string, where: CompanyOf): IRule {
  return once(`feature:${feature}:${where}`, (name) => rule(name, { cache: "no_cache" })(async (parent, args, context: AccessContext) => {
    if (!context.principal) return unauthenticated();
    const companyId = companyIdOf(where, parent, args, "requiresFeature");
    return (await context.planIncludes(companyId, feature)) ? true : featureNotInPlan(feature);
  }));
}
