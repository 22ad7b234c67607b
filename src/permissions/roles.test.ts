import { describe, expect, it } from "vitest";
import { grantedPermissions, hasPermission, hasRoleAtLeast, permissionsOf, roles, subordinateRoles } from "./roles.js";

describe("role hierarchy", () => {
  it("orders OWNER > ADMIN > MANAGER > MEMBER > VIEWER", () => {
    expect(subordinateRoles("OWNER")).toEqual(["ADMIN", "MANAGER", "MEMBER", "VIEWER"]);
    expect(subordinateRoles("MANAGER")).toEqual(["MEMBER", "VIEWER"]);
    expect(subordinateRoles("VIEWER")).toEqual([]);
    expect(hasRoleAtLeast("ADMIN", "MANAGER")).toBe(true);
    expect(hasRoleAtLeast("MEMBER", "MANAGER")).toBe(false);
    expect(hasRoleAtLeast("VIEWER", "VIEWER")).toBe(true);
  });

  it("gives each role its own permissions plus every lower role's", () => {
    for (const role of roles) {
      const expected = new Set([role, ...subordinateRoles(role)].flatMap((r) => [...grantedPermissions[r]]));
      expect(new Set(permissionsOf(role))).toEqual(expected);
    }
    expect(hasPermission("OWNER", "reports.generate")).toBe(true);
    expect(hasPermission("ADMIN", "billing.manage")).toBe(false);
    expect(hasPermission("MANAGER", "profile.manage")).toBe(true);
    expect(hasPermission("VIEWER", "trading.view")).toBe(false);
  });
});
