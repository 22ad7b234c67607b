import type { Principal } from "./principal";
import type { Role } from "./roles";

/** What the access rules read from a request's context; src/context.ts provides it. */
export interface AccessContext {
  principal: Principal | null;
  /** The principal's role in a company, or null when not a member (batched per request). */
  companyRoleOf(companyId: string): Promise<Role | null>;
}
