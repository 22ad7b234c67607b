import type { PrismaClient } from "../../generated/prisma/client.js";
import { userSelect } from "../users/users.service.js";

/** Bumped when the export's shape changes in a way a reader must know about. */
export const exportFormatVersion = 1;

/** Rows per kind of data in one export, newest first; `truncated` names the kinds that had more. */
export const exportRowLimit = 10_000;

export interface DataExport {
  formatVersion: number;
  exportedAt: string;
  rowLimitPerKind: number;
  truncated: string[];
  profile: Record<string, unknown>;
  externalIdentities: unknown[];
  mfa: { enabled: boolean; confirmedAt: string | null };
  memberships: unknown[];
  sessions: unknown[];
  loginAttempts: unknown[];
  securityEvents: unknown[];
  auditEvents: unknown[];
  invitationsSent: unknown[];
}

const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];
const bounded = { orderBy: newestFirst, take: exportRowLimit + 1 };

/**
 * Everything stored about the user, one query per table, without secrets or hashes (no password hash,
 * token or code hashes, TOTP secret). Company settings are the company's, not personal data.
 */
export async function exportUserData(deps: { prisma: PrismaClient; clock?: () => number }, userId: string): Promise<DataExport> {
  const { prisma } = deps;
  const [profile, identities, factors, memberships, sessions, loginAttempts, securityEvents, auditEvents, invitations] = await Promise.all([
    prisma.user.findUniqueOrThrow({
      where: { id: userId },
      // What the API shows of a user, and the dates about them it does not.
      select: { ...userSelect, emailVerifiedAt: true, lockedUntil: true, updatedAt: true },
    }),
    prisma.externalIdentity.findMany({ where: { userId }, select: { provider: true, issuer: true, subject: true, email: true, createdAt: true }, ...bounded, orderBy: { createdAt: "desc" } }),
    prisma.mfaFactor.findMany({ where: { userId }, select: { type: true, confirmedAt: true } }),
    prisma.membership.findMany({
      where: { userId },
      select: { companyId: true, role: true, status: true, roleSince: true, createdAt: true, company: { select: { name: true, type: true, status: true } } },
      ...bounded,
    }),
    prisma.session.findMany({
      where: { userId },
      select: { id: true, activeCompanyId: true, userAgent: true, ip: true, createdAt: true, lastUsedAt: true, revokedAt: true, revokedReason: true, authMethods: true },
      ...bounded,
    }),
    prisma.loginAttempt.findMany({ where: { userId }, select: { email: true, ip: true, userAgent: true, success: true, reason: true, createdAt: true }, ...bounded }),
    prisma.securityEvent.findMany({ where: { userId }, select: { patterns: true, riskScore: true, action: true, ip: true, createdAt: true }, ...bounded }),
    prisma.auditEvent.findMany({
      where: { actorId: userId },
      select: { id: true, companyId: true, action: true, targetType: true, targetId: true, metadata: true, ip: true, userAgent: true, correlationId: true, createdAt: true },
      ...bounded,
    }),
    prisma.invitation.findMany({
      where: { invitedById: userId },
      select: { id: true, companyId: true, email: true, role: true, status: true, expiresAt: true, acceptedAt: true, createdAt: true },
      ...bounded,
    }),
  ]);

  const kinds = { externalIdentities: identities, memberships, sessions, loginAttempts, securityEvents, auditEvents, invitationsSent: invitations };
  const truncated = Object.entries(kinds).filter(([, rows]) => rows.length > exportRowLimit).map(([kind]) => kind);
  const within = <T>(rows: T[]) => rows.slice(0, exportRowLimit);
  const confirmed = factors.find((factor) => factor.confirmedAt !== null);

  // One JSON round trip turns dates into ISO strings, as the JSON scalar would.
  return JSON.parse(
    JSON.stringify({
      formatVersion: exportFormatVersion,
      exportedAt: new Date((deps.clock ?? Date.now)()).toISOString(),
      rowLimitPerKind: exportRowLimit,
      truncated,
      profile,
      externalIdentities: within(identities),
      mfa: { enabled: Boolean(confirmed), confirmedAt: confirmed?.confirmedAt ?? null },
      memberships: within(memberships),
      sessions: within(sessions),
      loginAttempts: within(loginAttempts),
      securityEvents: within(securityEvents),
      auditEvents: within(auditEvents),
      invitationsSent: within(invitations),
    }),
  ) as DataExport;
}
