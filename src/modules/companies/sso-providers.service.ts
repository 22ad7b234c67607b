import type { Config } from "../../config.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { isUniqueViolation } from "../../platform/db/unique-violation.js";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors.js";
import { isAllowedProviderUrl } from "../../platform/oidc/id-tokens.js";
import { recordAudit, type Actor } from "../security/audit.service.js";

/** A company's OIDC identity provider for ENTERPRISE sign-in. */
export interface SsoProviderView {
  companyId: string;
  issuer: string;
  jwksUrl: string;
  clientId: string;
  updatedAt: Date;
}

export interface SsoProviderInput {
  issuer: string;
  jwksUrl: string;
  clientId: string;
}

interface SsoProvidersDeps {
  prisma: PrismaClient;
  config: Pick<Config, "isProduction">;
}

const providerSelect = { companyId: true, issuer: true, jwksUrl: true, clientId: true, updatedAt: true } as const;
const valueMaxLength = 2048;

function providerProblems(input: SsoProviderInput, isProduction: boolean): DomainError[] {
  const problems: DomainError[] = [];
  const urlRule = "Enter an https URL (http only to a loopback address outside production)";
  for (const key of ["issuer", "jwksUrl"] as const) {
    const value = input[key].trim();
    if (value.length > valueMaxLength) problems.push(new DomainError(ErrorCode.TOO_LONG, "The URL is too long", ["input", key]));
    else if (!isAllowedProviderUrl(value, isProduction)) problems.push(new DomainError(ErrorCode.INVALID_PROVIDER_URL, urlRule, ["input", key]));
  }
  const clientId = input.clientId.trim();
  if (!clientId) problems.push(new DomainError(ErrorCode.REQUIRED, "Enter the client id your identity provider issued", ["input", "clientId"]));
  else if (clientId.length > 255) problems.push(new DomainError(ErrorCode.TOO_LONG, "The client id is too long", ["input", "clientId"]));
  return problems;
}

/** Sets (or replaces) the company's identity provider; organizations only. */
export async function setCompanySsoProvider(deps: SsoProvidersDeps, actor: Actor, companyId: string, input: SsoProviderInput): Promise<SsoProviderView> {
  const problems = providerProblems(input, deps.config.isProduction);
  if (problems.length) throw new DomainErrors(problems);
  // The issuer is compared with the token's `iss` exactly, so it is kept as entered (only trimmed).
  const values = { issuer: input.issuer.trim(), jwksUrl: input.jwksUrl.trim(), clientId: input.clientId.trim() };
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const company = await tx.company.findUnique({ where: { id: companyId }, select: { type: true } });
      if (company?.type !== "ORGANIZATION") throw new DomainError(ErrorCode.INDIVIDUAL_COMPANY, "Only an organization can sign its members in through its own identity provider");
      const row = await tx.companySsoProvider.upsert({ where: { companyId }, create: { companyId, ...values }, update: values, select: providerSelect });
      await recordAudit(tx, {
        action: "company.sso_provider_set",
        actorId: actor.userId,
        companyId,
        targetType: "company_sso_provider",
        targetId: companyId,
        metadata: values,
        client: actor,
      });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError(ErrorCode.SSO_PROVIDER_TAKEN, "Another company already signs in with this issuer and client id", ["input", "clientId"]);
    }
    throw error;
  }
}

/** Turns the company's ENTERPRISE sign-in off; identities already linked then stop signing in. */
export async function removeCompanySsoProvider(deps: SsoProvidersDeps, actor: Actor, companyId: string): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const removed = await tx.companySsoProvider.deleteMany({ where: { companyId } });
    if (removed.count === 0) throw new DomainError(ErrorCode.NOT_FOUND, "The company has no identity provider set");
    await recordAudit(tx, {
      action: "company.sso_provider_removed",
      actorId: actor.userId,
      companyId,
      targetType: "company_sso_provider",
      targetId: companyId,
      client: actor,
    });
  });
}

export function findCompanySsoProvider(deps: { prisma: PrismaClient }, companyId: string): Promise<SsoProviderView | null> {
  return deps.prisma.companySsoProvider.findUnique({ where: { companyId }, select: providerSelect });
}

/** The provider an ENTERPRISE ID token names (its `iss`, and one of its `aud` as client id), if a company set it. */
export async function findSsoProviderOfToken(deps: { prisma: PrismaClient }, issuer: string, audiences: string[]): Promise<SsoProviderView | null> {
  const clientIds = audiences.filter((audience) => typeof audience === "string" && audience.length <= 255).slice(0, 10);
  if (!clientIds.length || issuer.length > valueMaxLength) return null;
  return deps.prisma.companySsoProvider.findFirst({
    where: { issuer, clientId: { in: clientIds }, company: { status: "ACTIVE", type: "ORGANIZATION" } },
    orderBy: { createdAt: "asc" },
    select: providerSelect,
  });
}
