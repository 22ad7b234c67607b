import type { PrismaClient } from "../../generated/prisma/client.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { isUuid } from "../../platform/ids.js";
import type { ClientInfo } from "./audit.service.js";
import { assessLogin, type LoginHistory, type LoginRisk, type LoginRiskPolicy } from "./login-risk.js";

export interface SecurityEventsDeps {
  prisma: PrismaClient;
  config: { loginRisk: LoginRiskPolicy };
}

export interface SecurityEventRecord {
  id: string;
  userId: string;
  patterns: string[];
  riskScore: number;
  action: string;
  ip: string | null;
  createdAt: Date;
}

/** How many earlier sign-ins location, time and device are judged against. */
const historyDepth = 50;
const hourMs = 3600_000;

/** The user's recent sign-in history in one round trip (a sign-in waits for it), each part on an index; prepared, since planning it cost more than running it. */
async function loadLoginHistory(prisma: PrismaClient, userId: string, at: Date): Promise<LoginHistory> {
  const hourAgo = new Date(at.getTime() - hourMs);
  const [row] = await prisma.$queryRaw<{ failed: number; sessions: number; earlier: { ip: string | null; user_agent: string | null; created_at: string }[] }[]>`/* prepared */
    SELECT
      (SELECT count(*)::int FROM "login_attempts" WHERE "user_id" = ${userId}::uuid AND NOT "success" AND "created_at" > ${hourAgo}) AS "failed",
      (SELECT count(*)::int FROM "sessions" WHERE "user_id" = ${userId}::uuid AND "revoked_at" IS NULL AND "idle_expires_at" > ${at} AND "absolute_expires_at" > ${at}) AS "sessions",
      (SELECT coalesce(json_agg("recent"), '[]'::json) FROM (
        SELECT "ip", "user_agent", "created_at" FROM "login_attempts"
        WHERE "user_id" = ${userId}::uuid AND "success" AND ("reason" IS NULL OR left("reason", 4) = 'sso_')
        ORDER BY "created_at" DESC LIMIT ${historyDepth}
      ) AS "recent") AS "earlier"`;
  return {
    failedLastHour: row?.failed ?? 0,
    activeSessions: row?.sessions ?? 0,
    earlier: (row?.earlier ?? []).map((login) => ({ ip: login.ip, userAgent: login.user_agent, at: new Date(login.created_at) })),
  };
}

/** Judges a sign-in that gave the right password, before any token is issued. */
export async function assessLoginRisk(deps: SecurityEventsDeps, userId: string, client: ClientInfo, at = new Date()): Promise<LoginRisk> {
  const history = await loadLoginHistory(deps.prisma, userId, at);
  return assessLogin(deps.config.loginRisk, history, { ip: client.ip, userAgent: client.userAgent, at });
}

/** Keeps what was detected and what was done about it (`allowed`, `step_up`, `locked`). */
export async function recordSecurityEvent(
  db: Pick<PrismaClient, "securityEvent">,
  event: { userId: string; risk: LoginRisk; action: string; client: ClientInfo },
): Promise<void> {
  await db.securityEvent.create({
    data: { userId: event.userId, patterns: event.risk.patterns, riskScore: event.risk.score, action: event.action, ip: event.client.ip },
    select: { id: true },
  });
}

/** The newest security events of one user. Who may ask is decided in src/permissions. */
export async function listSecurityEvents(deps: SecurityEventsDeps, userId: string, first: number): Promise<SecurityEventRecord[]> {
  if (!Number.isInteger(first) || first < 1 || first > 200) {
    throw new DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 1 and 200", ["first"]);
  }
  if (!isUuid(userId)) return [];
  return deps.prisma.securityEvent.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: first,
    select: { id: true, userId: true, patterns: true, riskScore: true, action: true, ip: true, createdAt: true },
  });
}
