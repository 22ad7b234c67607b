import { randomBytes } from "node:crypto";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import type { CompanyType } from "../../generated/prisma/enums.js";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors.js";
import { shapedPrefix } from "../../platform/cache/cache-keys.js";
import { forgetRow, readThrough } from "../../platform/cache/read-through.js";
import { distinctUuids, inRequestedOrder } from "../../platform/ids.js";
import type { SubscriptionTier } from "../../permissions/principal.js";
import type { Role } from "../../permissions/roles.js";
import { recordAudit, type Actor } from "../security/audit.service.js";
import { fullNameProblems, hasLoneSurrogate } from "../users/users.service.js";
import type { CompaniesDeps } from "./companies.deps.js";
import { membershipChanged } from "./memberships.service.js";

export const companySelect = {
  id: true,
  name: true,
  type: true,
  industry: true,
  companySize: true,
  createdAt: true,
} as const satisfies Prisma.CompanySelect;

export type CompanyRecord = Prisma.CompanyGetPayload<{ select: typeof companySelect }>;

const companyCache = {
  prefix: shapedPrefix("company", companySelect),
  ttlSeconds: 300,
  revive: (cached: CompanyRecord): CompanyRecord => ({ ...cached, createdAt: new Date(cached.createdAt) }),
};

/** Loads companies by id (cache first, then one query for the rest), in the order asked; unknown or deleted ids give null. */
export async function findCompaniesByIds(deps: Pick<CompaniesDeps, "prisma" | "cache">, ids: readonly string[]): Promise<(CompanyRecord | null)[]> {
  const found = await readThrough(deps.cache, companyCache, distinctUuids(ids), (missing) =>
    deps.prisma.company.findMany({ where: { id: { in: missing }, status: { not: "DELETED" } }, select: companySelect }),
  );
  return inRequestedOrder(ids, [...found.values()]);
}

/** Drops the cached copy of a company; every write to a column in `companySelect` (or its status) must call it. */
export function forgetCompany(deps: Pick<CompaniesDeps, "cache">, companyId: string): Promise<void> {
  return forgetRow(deps.cache, companyCache.prefix + companyId);
}

/** Every active role of the user, by company id (one query; a person belongs to a handful of companies). */
export async function findRolesOfUser(deps: Pick<CompaniesDeps, "prisma">, userId: string): Promise<Map<string, Role>> {
  const rows = await deps.prisma.membership.findMany({
    where: { userId, status: "ACTIVE", company: { status: "ACTIVE" } },
    select: { companyId: true, role: true },
  });
  return new Map(rows.map((row) => [row.companyId, row.role]));
}

/** The companies the user is an active member of, oldest membership first. */
export async function listCompaniesOf(deps: Pick<CompaniesDeps, "prisma">, userId: string): Promise<CompanyRecord[]> {
  const rows = await deps.prisma.membership.findMany({
    where: { userId, status: "ACTIVE", company: { status: "ACTIVE" } },
    select: { company: { select: companySelect } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => row.company);
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
  deps: Pick<CompaniesDeps, "prisma">,
  userId: string,
  preferredCompanyId: string | null,
): Promise<ActiveMembership | null> {
  const [row] = await deps.prisma.$queryRaw<ActiveMembershipRow[]>(activeMembershipQuery(userId, preferredCompanyId));
  return activeMembershipOf(row);
}

export interface ActiveMembershipRow {
  company_id: string | null;
  role: Role | null;
  tier: SubscriptionTier | null;
}

/** `findActiveMembership` as one SELECT of at most one row, for a statement that carries it along. */
export function activeMembershipQuery(userId: string, preferredCompanyId: string | null): Prisma.Sql {
  return Prisma.sql`
    SELECT m."company_id", m."role"::text AS "role", coalesce(sub."tier"::text, 'FREE') AS "tier"
    FROM "memberships" m
    JOIN "companies" c ON c."id" = m."company_id" AND c."status" = 'ACTIVE'
    LEFT JOIN "subscriptions" sub ON sub."company_id" = m."company_id"
    WHERE m."user_id" = ${userId}::uuid AND m."status" = 'ACTIVE'
    ORDER BY (m."company_id" = ${preferredCompanyId}::uuid) IS TRUE DESC, (c."type" = 'INDIVIDUAL') DESC, m."created_at"
    LIMIT 1`;
}

/** The membership in a row of `activeMembershipQuery` (its columns all null, or no row, when there is none). */
export function activeMembershipOf(row: ActiveMembershipRow | undefined): ActiveMembership | null {
  if (!row?.company_id || !row.role || !row.tier) return null;
  return { companyId: row.company_id, role: row.role, tier: row.tier };
}

function companySlug(name: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "company"}-${randomBytes(5).toString("hex")}`;
}

function oneMonthAfter(start: Date): Date {
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 1);
  return end;
}

/**
 * Creates a company with its owner's membership, default settings and a FREE subscription, inside the
 * caller's transaction (registration and `createCompany` both use it).
 */
export async function createCompanyWithOwner(
  tx: Prisma.TransactionClient,
  input: { id?: string; name: string; type: CompanyType; industry?: string | null; companySize?: string | null; ownerId: string; at: Date },
): Promise<{ company: CompanyRecord; roleSince: Date }> {
  const company = await tx.company.create({
    data: {
      id: input.id,
      name: input.name,
      slug: companySlug(input.name),
      type: input.type,
      industry: input.industry ?? null,
      companySize: input.companySize ?? null,
      settings: { create: {} },
      subscription: { create: { tier: "FREE", currentPeriodStart: input.at, currentPeriodEnd: oneMonthAfter(input.at) } },
    },
    select: companySelect,
  });
  const membership = await tx.membership.create({
    data: { userId: input.ownerId, companyId: company.id, role: "OWNER", roleSince: input.at },
    select: { roleSince: true },
  });
  return { company, roleSince: membership.roleSince };
}

export interface CompanyDetails {
  name?: string | null;
  industry?: string | null;
  companySize?: string | null;
}

const detailMaxLength = 100;

function companyDetailProblems(details: CompanyDetails, nameRequired: boolean): DomainError[] {
  const problems: DomainError[] = [];
  if (details.name != null || nameRequired) problems.push(...fullNameProblems(details.name ?? "", ["input", "name"]));
  for (const field of ["industry", "companySize"] as const) {
    const value = details[field];
    if (value != null && [...value.trim()].length > detailMaxLength) {
      problems.push(new DomainError(ErrorCode.TOO_LONG, `Use at most ${detailMaxLength} characters`, ["input", field]));
    } else if (value != null && (/[\u0000-\u001f\u007f]/.test(value.trim()) || hasLoneSurrogate(value))) {
      problems.push(new DomainError(ErrorCode.BAD_USER_INPUT, "The value contains control characters or a lone surrogate", ["input", field]));
    }
  }
  return problems;
}

const trimmedOrNull = (value: string | null | undefined) => (value == null ? value : value.trim() || null);

/** Creates an organization; the caller becomes its OWNER. */
export async function createCompany(deps: CompaniesDeps, actor: Actor, details: CompanyDetails & { name: string }): Promise<CompanyRecord> {
  const problems = companyDetailProblems(details, true);
  if (problems.length) throw new DomainErrors(problems);
  const at = new Date();
  const { company, roleSince } = await deps.prisma.$transaction(async (tx) => {
    const created = await createCompanyWithOwner(tx, {
      name: details.name.trim(),
      type: "ORGANIZATION",
      industry: trimmedOrNull(details.industry),
      companySize: trimmedOrNull(details.companySize),
      ownerId: actor.userId,
      at,
    });
    await recordAudit(tx, {
      action: "company.created",
      actorId: actor.userId,
      companyId: created.company.id,
      targetType: "company",
      targetId: created.company.id,
      metadata: { name: created.company.name },
      client: actor,
    });
    return created;
  });
  await membershipChanged(deps, actor.userId, company.id, "OWNER", roleSince);
  return company;
}

/** Changes a company's name, industry or size; a field left out stays as it is. */
export async function updateCompany(deps: CompaniesDeps, actor: Actor, companyId: string, details: CompanyDetails): Promise<CompanyRecord> {
  const problems = companyDetailProblems(details, false);
  if (problems.length) throw new DomainErrors(problems);
  const data = {
    ...(details.name != null ? { name: details.name.trim() } : {}),
    ...(details.industry !== undefined ? { industry: trimmedOrNull(details.industry) } : {}),
    ...(details.companySize !== undefined ? { companySize: trimmedOrNull(details.companySize) } : {}),
  };
  const company = await deps.prisma.$transaction(async (tx) => {
    const company = await tx.company.update({ where: { id: companyId }, data, select: companySelect });
    await recordAudit(tx, {
      action: "company.updated",
      actorId: actor.userId,
      companyId,
      targetType: "company",
      targetId: companyId,
      metadata: { changed: Object.keys(data) },
      client: actor,
    });
    return company;
  });
  await forgetCompany(deps, companyId);
  return company;
}
