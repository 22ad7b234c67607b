import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { distinctUuids, inRequestedOrder } from "../../platform/ids";
import type { SubscriptionTier } from "../../permissions/principal";
import type { Role } from "../../permissions/roles";

export const companySelect = {
  id: true,
  name: true,
  type: true,
  industry: true,
  companySize: true,
  createdAt: true,
} as const satisfies Prisma.CompanySelect;

export type CompanyRecord = Prisma.CompanyGetPayload<{ select: typeof companySelect }>;

export interface CompaniesDeps {
  prisma: PrismaClient;
}

/** Loads companies by id in one query, in the order asked; unknown or deleted ids give null. */
export async function findCompaniesByIds(deps: CompaniesDeps, ids: readonly string[]): Promise<(CompanyRecord | null)[]> {
  const wanted = distinctUuids(ids);
  const rows = wanted.length
    ? await deps.prisma.company.findMany({ where: { id: { in: wanted }, status: { not: "DELETED" } }, select: companySelect })
    : [];
  return inRequestedOrder(ids, rows);
}

/** The user's active-membership role in each company, in the order asked; null where not a member. */
export async function findMembershipRoles(
  deps: CompaniesDeps,
  userId: string,
  companyIds: readonly string[],
): Promise<(Role | null)[]> {
  const wanted = distinctUuids(companyIds);
  const rows = wanted.length
    ? await deps.prisma.membership.findMany({
        where: { userId, companyId: { in: wanted }, status: "ACTIVE" },
        select: { companyId: true, role: true },
      })
    : [];
  const roleByCompany = new Map(rows.map((row) => [row.companyId, row.role]));
  return companyIds.map((id) => roleByCompany.get(id.toLowerCase()) ?? null);
}

export interface ActiveMembership {
  companyId: string;
  role: Role;
  tier: SubscriptionTier;
}

/**
 * The membership a session acts in: `preferredCompanyId` when the user still belongs to it, else their
 * individual company, else their oldest membership; null when they belong to none.
 */
export async function findActiveMembership(
  deps: CompaniesDeps,
  userId: string,
  preferredCompanyId: string | null,
): Promise<ActiveMembership | null> {
  const memberships = await deps.prisma.membership.findMany({
    where: { userId, status: "ACTIVE", company: { status: "ACTIVE" } },
    select: { companyId: true, role: true, company: { select: { type: true, subscription: { select: { tier: true } } } } },
    orderBy: { createdAt: "asc" },
  });
  const chosen =
    memberships.find((membership) => membership.companyId === preferredCompanyId) ??
    memberships.find((membership) => membership.company.type === "INDIVIDUAL") ??
    memberships[0];
  if (!chosen) return null;
  return { companyId: chosen.companyId, role: chosen.role, tier: chosen.company.subscription?.tier ?? "FREE" };
}
