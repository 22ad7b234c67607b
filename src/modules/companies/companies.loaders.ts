import DataLoader from "dataloader";
import type { Role } from "../../permissions/roles";
import { findCompaniesByIds, findMembershipRoles, type CompaniesDeps, type CompanyRecord } from "./companies.service";

/** Per-request loaders: every company lookup in one tick becomes one query. */
export function createCompanyLoaders(deps: CompaniesDeps & { callerId: () => string | null }) {
  return {
    companyById: new DataLoader<string, CompanyRecord | null>((ids) => findCompaniesByIds(deps, ids)),
    /** The caller's role in each company asked about (null when not a member or not signed in). */
    companyRoleOfCaller: new DataLoader<string, Role | null>((companyIds) => {
      const callerId = deps.callerId();
      return callerId ? findMembershipRoles(deps, callerId, companyIds) : Promise.resolve(companyIds.map(() => null));
    }),
  };
}

export type CompanyLoaders = ReturnType<typeof createCompanyLoaders>;
