import type { VerifiedAccessToken } from "../platform/tokens/access-token.js";
import { BugError } from "../platform/errors.js";
import { AccessTokenError } from "../platform/tokens/access-token-error.js";
import { grantedPermissions, isRole, type Permission, type Role } from "./roles.js";

export type SubscriptionTier = "FREE" | "PRO" | "ENTERPRISE";

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  userId: string;
  sessionId: string;
  /** The session's active company. */
  companyId: string;
  /** The caller's role in the active company. */
  role: Role;
  permissions: readonly Permission[];
  tier: SubscriptionTier;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds. */
  expiresAt: number;
  /** Unix seconds when the user last proved who they are in this session. */
  authTime: number;
  /** How they proved it (`pwd`, `otp`, `email`, `sso`). */
  amr: readonly string[];
}

const knownPermissions: ReadonlySet<string> = new Set(Object.values(grantedPermissions).flat());
const principals = new WeakMap<VerifiedAccessToken, Principal>();

/**
 * The principal a verified token proves. Permissions are the token's own (what was granted when it was
 * issued), not recomputed from the role; names this build does not know are dropped. The result is frozen
 * and shared by every request that presents the same cached token.
 */
export function principalFromClaims(verified: VerifiedAccessToken): Principal {
  const known = principals.get(verified);
  if (known) return known;
  if (!isRole(verified.role)) throw new AccessTokenError("invalid_claims");
  const principal: Principal = Object.freeze({
    userId: verified.userId,
    sessionId: verified.sessionId,
    companyId: verified.companyId,
    role: verified.role,
    permissions: Object.freeze(verified.permissions.filter((name): name is Permission => knownPermissions.has(name))),
    tier: verified.tier,
    issuedAt: verified.issuedAt,
    expiresAt: verified.expiresAt,
    authTime: verified.authTime,
    amr: verified.amr,
  });
  principals.set(verified, principal);
  return principal;
}

/** The principal of a field shield already limited to signed-in callers; a missing one is a wiring bug. */
export function requirePrincipal(principal: Principal | null): Principal {
  if (!principal) throw new BugError("BUG_UNGUARDED_FIELD", "an authenticated field ran without a principal");
  return principal;
}
