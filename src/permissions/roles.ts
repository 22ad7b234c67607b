/** Company roles, highest first. Each role holds its own permissions plus every lower role's. */
export const roles = ["OWNER", "ADMIN", "MANAGER", "MEMBER", "VIEWER"] as const;

export type Role = (typeof roles)[number];

/** The permissions each role is granted directly (the seed's permission matrix). */
export const grantedPermissions = {
  OWNER: ["company.manage", "users.manage", "billing.manage", "settings.manage", "data.full_access", "trading.manage"],
  ADMIN: ["users.manage", "settings.modify", "data.full_access", "trading.manage", "reports.generate"],
  MANAGER: ["users.view", "settings.view", "data.team_access", "trading.view", "reports.view"],
  MEMBER: ["data.own_access", "trading.own_access", "profile.manage"],
  VIEWER: ["data.read_only", "reports.read_only"],
} as const satisfies Record<Role, readonly string[]>;

export type Permission = (typeof grantedPermissions)[Role][number];

const rank = new Map<Role, number>(roles.map((role, index) => [role, roles.length - index]));

/** True when `role` is `required` or above it in the hierarchy. */
export function hasRoleAtLeast(role: Role, required: Role): boolean {
  return rank.get(role)! >= rank.get(required)!;
}

/** The roles `role` outranks (the seed's role hierarchy). */
export function subordinateRoles(role: Role): Role[] {
  return roles.filter((other) => rank.get(other)! < rank.get(role)!);
}

const effectivePermissions = new Map<Role, readonly Permission[]>(
  roles.map((role) => {
    const inherited = [role, ...subordinateRoles(role)].flatMap((r) => grantedPermissions[r]);
    return [role, Object.freeze([...new Set(inherited)].sort())];
  }),
);

/** Every permission a role holds: its own plus those of every lower role, sorted. */
export function permissionsOf(role: Role): readonly Permission[] {
  return effectivePermissions.get(role)!;
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return effectivePermissions.get(role)!.includes(permission);
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
