import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { randomToken } from "../../platform/crypto.js";
import { isUniqueViolation } from "../../platform/db/unique-violation.js";
import { DnsLookupError } from "../../platform/dns/txt-records.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { distinctUuids } from "../../platform/ids.js";
import { recordAudit, type Actor } from "../security/audit.service.js";
import type { CompaniesDeps } from "./companies.deps.js";
import { domainVerificationRecordName, domainVerificationRecordValue, isPublicMailDomain, normalizeDomain } from "./domains.js";

export interface CompanyDomainView {
  companyId: string;
  domain: string;
  verified: boolean;
  verifiedAt: Date | null;
  /** The TXT record to publish: its name and exact value. */
  txtRecordName: string;
  txtRecordValue: string;
  createdAt: Date;
}

const domainSelect = { companyId: true, domain: true, verificationToken: true, verifiedAt: true, createdAt: true } as const;

function asView(row: Prisma.CompanyDomainGetPayload<{ select: typeof domainSelect }>): CompanyDomainView {
  return {
    companyId: row.companyId,
    domain: row.domain,
    verified: row.verifiedAt !== null,
    verifiedAt: row.verifiedAt,
    txtRecordName: domainVerificationRecordName(row.domain),
    txtRecordValue: domainVerificationRecordValue(row.verificationToken),
    createdAt: row.createdAt,
  };
}

function claimableDomain(input: string): string {
  const domain = normalizeDomain(input);
  if (!domain) throw new DomainError(ErrorCode.INVALID_DOMAIN, "Enter a domain name like example.com", ["domain"]);
  if (isPublicMailDomain(domain)) {
    throw new DomainError(ErrorCode.PUBLIC_MAIL_DOMAIN, "Public mail providers' domains cannot belong to a company", ["domain"]);
  }
  return domain;
}

const claimedElsewhere = () => new DomainError(ErrorCode.DOMAIN_ALREADY_CLAIMED, "Another company has verified this domain", ["domain"]);

/** Claims a domain for the company (idempotent); it counts once its TXT record is verified. */
export async function addCompanyDomain(deps: { prisma: PrismaClient }, actor: Actor, companyId: string, input: string): Promise<CompanyDomainView> {
  const domain = claimableDomain(input);
  return deps.prisma.$transaction(async (tx) => {
    const company = await tx.company.findUnique({ where: { id: companyId }, select: { type: true } });
    if (company?.type !== "ORGANIZATION") {
      throw new DomainError(ErrorCode.INDIVIDUAL_COMPANY, "Only an organization can claim a domain");
    }
    const holder = await tx.companyDomain.findUnique({ where: { verifiedDomain: domain }, select: { companyId: true } });
    if (holder && holder.companyId !== companyId) throw claimedElsewhere();
    const existing = await tx.companyDomain.findUnique({ where: { companyId_domain: { companyId, domain } }, select: domainSelect });
    if (existing) return asView(existing);
    const row = await tx.companyDomain.create({ data: { companyId, domain, verificationToken: randomToken(24) }, select: domainSelect });
    await recordAudit(tx, {
      action: "company.domain_added",
      actorId: actor.userId,
      companyId,
      targetType: "company_domain",
      targetId: domain,
      client: actor,
    });
    return asView(row);
  });
}

/** Looks the domain's TXT record up and marks the claim verified when it holds the company's token. */
export async function verifyCompanyDomain(deps: CompaniesDeps, actor: Actor, companyId: string, input: string): Promise<CompanyDomainView> {
  const domain = claimableDomain(input);
  const claim = await deps.prisma.companyDomain.findUnique({ where: { companyId_domain: { companyId, domain } }, select: domainSelect });
  if (!claim) throw new DomainError(ErrorCode.NOT_FOUND, "Add the domain first (addCompanyDomain)", ["domain"]);
  if (claim.verifiedAt) return asView(claim);
  const holder = await deps.prisma.companyDomain.findUnique({ where: { verifiedDomain: domain }, select: { companyId: true } });
  if (holder) throw claimedElsewhere();
  const expected = domainVerificationRecordValue(claim.verificationToken);
  let records: string[];
  try {
    records = await deps.lookupTxt(domainVerificationRecordName(domain));
  } catch (error) {
    if (error instanceof DnsLookupError) throw new DomainError(ErrorCode.DNS_UNAVAILABLE, "DNS could not be asked right now; try again");
    throw error;
  }
  if (!records.some((record) => record.trim() === expected)) {
    throw new DomainError(
      ErrorCode.DOMAIN_VERIFICATION_FAILED,
      `No TXT record ${domainVerificationRecordName(domain)} with the value ${expected} was found`,
      ["domain"],
    );
  }
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const row = await tx.companyDomain.update({
        where: { companyId_domain: { companyId, domain } },
        data: { verifiedAt: new Date(), verifiedDomain: domain },
        select: domainSelect,
      });
      await recordAudit(tx, {
        action: "company.domain_verified",
        actorId: actor.userId,
        companyId,
        targetType: "company_domain",
        targetId: domain,
        client: actor,
      });
      return asView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw claimedElsewhere();
    throw error;
  }
}

/** The domains each company claimed, in the order asked (one query). */
export async function findDomainsOfCompanies(deps: { prisma: PrismaClient }, companyIds: readonly string[]): Promise<CompanyDomainView[][]> {
  const wanted = distinctUuids(companyIds);
  const rows = wanted.length
    ? await deps.prisma.companyDomain.findMany({ where: { companyId: { in: wanted } }, orderBy: { createdAt: "asc" }, select: domainSelect })
    : [];
  return companyIds.map((id) => rows.filter((row) => row.companyId === id.toLowerCase()).map(asView));
}

/** The active organization that verified the email's domain, if any (registration's domain match). */
export async function findCompanyByVerifiedDomain(tx: Pick<PrismaClient, "companyDomain">, domain: string | null): Promise<string | null> {
  if (!domain) return null;
  const row = await tx.companyDomain.findUnique({
    where: { verifiedDomain: domain },
    select: { companyId: true, company: { select: { status: true, type: true } } },
  });
  return row && row.company.status === "ACTIVE" && row.company.type === "ORGANIZATION" ? row.companyId : null;
}
