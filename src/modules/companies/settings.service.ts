import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors.js";
import type { Cache } from "../../platform/cache/cache.js";
import { shapedPrefix } from "../../platform/cache/cache-keys.js";
import { forgetRow, readThrough } from "../../platform/cache/read-through.js";
import { distinctUuids } from "../../platform/ids.js";
import { recordAudit, type SessionActor } from "../security/audit.service.js";

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

type CachedSettings = CompanySettingsRecord & { id: string };
// Access rules read mfaRequired on company-scoped requests, so settings are cached like companies.
const settingsCache = { prefix: shapedPrefix("company-settings", settingsSelect), ttlSeconds: 300, revive: (cached: CachedSettings) => cached };

/** Each company's settings (defaults where none were stored), in the order asked; cached, misses in one query. */
export async function findSettings(deps: { prisma: PrismaClient; cache: Cache }, companyIds: readonly string[]): Promise<CompanySettingsRecord[]> {
  const found = await readThrough(deps.cache, settingsCache, distinctUuids(companyIds), async (missing) => {
    const rows = await deps.prisma.companySettings.findMany({ where: { companyId: { in: missing } }, select: settingsSelect });
    const byCompany = new Map(rows.map((row) => [row.companyId, row]));
    return missing.map((id) => ({ ...(byCompany.get(id) ?? { companyId: id, ...defaultSettings }), id }));
  });
  return companyIds.map((id) => {
    const { id: _id, ...settings } = found.get(id.toLowerCase()) ?? { id, companyId: id.toLowerCase(), ...defaultSettings };
    return settings;
  });
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
  deps: { prisma: PrismaClient; cache: Cache },
  actor: SessionActor,
  companyId: string,
  changes: SettingsChanges,
): Promise<CompanySettingsRecord> {
  const problems = settingsProblems(changes);
  // Requiring MFA without having it would lock the caller out of the company they just changed.
  if (changes.mfaRequired && !actor.amr.includes("otp")) {
    problems.push(new DomainError(ErrorCode.MFA_ENROLMENT_REQUIRED, "Turn on two-step sign-in for yourself first (and refresh your token), then require it", ["input", "mfaRequired"]));
  }
  if (problems.length) throw new DomainErrors(problems);
  const data = Object.fromEntries(
    Object.entries({ ...changes, allowedTradingHours: changes.allowedTradingHours?.trim() }).filter(([, value]) => value != null),
  ) as Partial<typeof defaultSettings>;
  const updated = await deps.prisma.$transaction(async (tx) => {
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
  await forgetRow(deps.cache, settingsCache.prefix + companyId.toLowerCase());
  return updated;
}
