import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors";
import { distinctUuids } from "../../platform/ids";
import { recordAudit, type Actor } from "../security/audit.service";

export interface CompanySettingsRecord {
  companyId: string;
  tradingEnabled: boolean;
  riskManagementRequired: boolean;
  dataRetentionDays: number;
  allowedTradingHours: string;
  mfaRequired: boolean;
}

/** What a company has before anyone changes its settings. */
export const defaultSettings: Omit<CompanySettingsRecord, "companyId"> = {
  tradingEnabled: true,
  riskManagementRequired: true,
  dataRetentionDays: 365,
  allowedTradingHours: "24/7",
  mfaRequired: false,
};

/** Retention bounds: a month for investigations, ten years for the longest regulatory duty. */
export const dataRetentionRange = { min: 30, max: 3650 };

const settingsSelect = {
  companyId: true,
  tradingEnabled: true,
  riskManagementRequired: true,
  dataRetentionDays: true,
  allowedTradingHours: true,
  mfaRequired: true,
} as const satisfies Prisma.CompanySettingsSelect;

/** Each company's settings (defaults where none were stored), in the order asked; one query. */
export async function findSettings(deps: { prisma: PrismaClient }, companyIds: readonly string[]): Promise<CompanySettingsRecord[]> {
  const wanted = distinctUuids(companyIds);
  const rows = wanted.length ? await deps.prisma.companySettings.findMany({ where: { companyId: { in: wanted } }, select: settingsSelect }) : [];
  const byCompany = new Map(rows.map((row) => [row.companyId, row]));
  return companyIds.map((id) => byCompany.get(id.toLowerCase()) ?? { companyId: id.toLowerCase(), ...defaultSettings });
}

export type SettingsChanges = Partial<{ [K in keyof typeof defaultSettings]: (typeof defaultSettings)[K] | null }>;

const clockTime = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "24/7", or a daily UTC window "HH:MM-HH:MM" whose ends differ (it may wrap past midnight). */
export function isTradingHours(value: string): boolean {
  if (value === "24/7") return true;
  const [start, end, ...rest] = value.split("-");
  return rest.length === 0 && clockTime.test(start ?? "") && clockTime.test(end ?? "") && start !== end;
}

function settingsProblems(changes: SettingsChanges): DomainError[] {
  const problems: DomainError[] = [];
  const days = changes.dataRetentionDays;
  if (days != null && (!Number.isInteger(days) || days < dataRetentionRange.min || days > dataRetentionRange.max)) {
    problems.push(
      new DomainError(
        ErrorCode.OUT_OF_RANGE,
        `Keep data between ${dataRetentionRange.min} and ${dataRetentionRange.max} days`,
        ["input", "dataRetentionDays"],
      ),
    );
  }
  const hours = changes.allowedTradingHours;
  if (hours != null && !isTradingHours(hours.trim())) {
    problems.push(
      new DomainError(ErrorCode.BAD_USER_INPUT, 'Use "24/7" or a UTC window like "09:30-16:00"', ["input", "allowedTradingHours"]),
    );
  }
  return problems;
}

/** Changes some of a company's settings; a field left out (or null) stays as it is. */
export async function updateCompanySettings(
  deps: { prisma: PrismaClient },
  actor: Actor,
  companyId: string,
  changes: SettingsChanges,
): Promise<CompanySettingsRecord> {
  const problems = settingsProblems(changes);
  if (problems.length) throw new DomainErrors(problems);
  const data = Object.fromEntries(
    Object.entries({ ...changes, allowedTradingHours: changes.allowedTradingHours?.trim() }).filter(([, value]) => value != null),
  ) as Partial<typeof defaultSettings>;
  return deps.prisma.$transaction(async (tx) => {
    const settings = await tx.companySettings.upsert({
      where: { companyId },
      create: { companyId, ...data },
      update: data,
      select: settingsSelect,
    });
    await recordAudit(tx, {
      action: "company.settings_updated",
      actorId: actor.userId,
      companyId,
      targetType: "company",
      targetId: companyId,
      metadata: data,
      client: actor,
    });
    return settings;
  });
}
