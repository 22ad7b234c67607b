import DataLoader from "dataloader";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Cache } from "../../platform/cache/cache.js";
import { hasPermission, hasRoleAtLeast, type Role } from "../../permissions/roles.js";
import { findCompaniesByIds, findRolesOfUser, type CompanyRecord } from "./companies.service.js";
import { findDomainsOfCompanies, type CompanyDomainView } from "./domains.service.js";
import { findInvitationCompanies } from "./invitations.service.js";
import { findMembershipsOfUsers, findUsersInCompanies, type MembershipRecord } from "./memberships.service.js";
import { findSettings, type CompanySettingsRecord } from "./settings.service.js";

/** Per-request loaders: every company lookup in one tick becomes one query. */
export function createCompanyLoaders(deps: { prisma: PrismaClient; cache: Cache; callerId: () => string | null }) {
  let callerRoles: Promise<Map<string, Role>> | undefined;
  /** The caller's active roles by company, read once per request. */
  function rolesOfCaller(): Promise<Map<string, Role>> {
    const callerId = deps.callerId();
    if (!callerId) return Promise.resolve(new Map());
    callerRoles ??= findRolesOfUser(deps, callerId);
    return callerRoles;
  }
  /** Users in a company where the caller's role passes `holds`, batched per request. */
  const usersWhereCaller = (holds: (role: Role) => boolean) =>
    new DataLoader<string, boolean>(async (userIds) => {
      const companies = [...(await rolesOfCaller())].filter(([, role]) => holds(role)).map(([id]) => id);
      return findUsersInCompanies(deps, userIds, companies);
    });
  const managedBy = usersWhereCaller((role) => hasRoleAtLeast(role, "MANAGER"));
  const administeredBy = usersWhereCaller((role) => hasPermission(role, "users.manage"));
  return {
    companyById: new DataLoader<string, CompanyRecord | null>((ids) => findCompaniesByIds(deps, ids)),
    rolesOfCaller,
    /** Whether the caller is MANAGER+ in a company the user belongs to (or asked to join). */
    managedByCaller: managedBy,
    /** Whether the caller may manage users (ADMIN+) in a company the user belongs to. */
    administeredByCaller: administeredBy,
    membershipsOfUser: new DataLoader<string, MembershipRecord[]>((ids) => findMembershipsOfUsers(deps, ids)),
    settingsOfCompany: new DataLoader<string, CompanySettingsRecord>((ids) => findSettings(deps, ids)),
    domainsOfCompany: new DataLoader<string, CompanyDomainView[]>((ids) => findDomainsOfCompanies(deps, ids)),
    companyOfInvitation: new DataLoader<string, string | null>((ids) => findInvitationCompanies(deps, ids)),
    /** Forget what was read about the caller (after register or login signs the request in). */
    forgetCaller() {
      callerRoles = undefined;
      managedBy.clearAll();
      administeredBy.clearAll();
    },
  };
}

export type CompanyLoaders = ReturnType<typeof createCompanyLoaders>;
