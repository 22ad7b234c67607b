import type { Principal } from "./principal.js";
import type { Role } from "./roles.js";

/** What the access rules read from a request's context; src/context.ts provides it. */
export interface AccessContext {
  principal: Principal | null;
  /** The principal's active role in a company, or null when not a member: at once for the token's company, batched per request otherwise. */
  companyRoleOf(companyId: string): Role | null | Promise<Role | null>;
  /** True when the principal is MANAGER+ in a company the user belongs to or asked to join. */
  managesUser(userId: string): Promise<boolean>;
  /** True when the principal is ADMIN+ (`users.manage`) in a company the user belongs to. */
  adminOfUser(userId: string): Promise<boolean>;
  /** True when the company requires its members to sign in with a second factor (cached settings). */
  companyRequiresMfa(companyId: string): Promise<boolean>;
  /** True when the user is an active member of the principal's active company. */
  isMemberOfActiveCompany(userId: string): Promise<boolean>;
  /** True when the principal is a platform operator (decided once per request). */
  isPlatformOperator(): Promise<boolean>;
  /**
   * True when the company's subscription tier includes the feature: the token's tier for the active company (the
   * session guard keeps it current), the subscription read in this request for another.
   */
  planIncludes(companyId: string, feature: string): Promise<boolean>;
  /** The company an invitation belongs to, or null for an unknown id. */
  companyOfInvitation(invitationId: string): Promise<string | null>;
}
