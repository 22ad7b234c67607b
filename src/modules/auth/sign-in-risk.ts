import type { PrismaClient } from "../../generated/prisma/client.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import type { Logger } from "../../platform/logger.js";
import type { Mailer } from "../../platform/mail/mailer.js";
import { recordAudit, type ClientInfo } from "../security/audit.service.js";
import type { LoginRisk } from "../security/login-risk.js";
import { assessLoginRisk, recordSecurityEvent, type SecurityEventsDeps } from "../security/security-events.service.js";
import { forgetUser } from "../users/users.service.js";
import type { Cache } from "../../platform/cache/cache.js";

export type SignInRiskDeps = SecurityEventsDeps & { prisma: PrismaClient; cache: Cache; mailer: Mailer; logger: Logger };

/**
 * Decides what a sign-in with the right password needs (the seeds' SecurityMonitor): nothing, a second
 * step before tokens, or nothing more at all because the account is now locked. Keeps a SecurityEvent
 * whenever a pattern was seen.
 */
export async function checkSignInRisk(
  deps: SignInRiskDeps,
  user: { id: string; email: string },
  client: ClientInfo,
  hasMfa: boolean,
): Promise<{ stepUp: boolean; risk: LoginRisk }> {
  const risk = await assessLoginRisk(deps, user.id, client);
  if (risk.verdict === "lock") {
    await lockForRisk(deps, user.id, risk, client);
    await alert(deps, user.email, "We locked your account after a risky sign-in", [
      `Someone signed in to your account with your password, but from circumstances that look like an attack (${risk.patterns.join(", ")}).`,
      `We locked the account for ${Math.round(deps.config.loginRisk.lockSeconds / 60)} minutes. If this was not you, reset your password now.`,
    ]);
    throw new DomainError(ErrorCode.ACCOUNT_LOCKED, "This account is temporarily locked; try again later or reset your password");
  }
  const stepUp = risk.verdict === "step_up";
  if (risk.patterns.length > 0) {
    await recordSecurityEvent(deps.prisma, { userId: user.id, risk, action: stepUp ? "step_up" : "allowed", client });
  }
  // The mailed code says so itself; an authenticator step-up gets the notice on its own.
  if (stepUp && hasMfa) {
    await alert(deps, user.email, "A sign-in to your account was flagged", [
      `A sign-in with your password looked unusual (${risk.patterns.join(", ")}), so we asked for your authenticator code.`,
      "If this was not you, change your password now.",
    ]);
  }
  return { stepUp, risk };
}

async function lockForRisk(deps: SignInRiskDeps, userId: string, risk: LoginRisk, client: ClientInfo): Promise<void> {
  const lockedUntil = new Date(Date.now() + deps.config.loginRisk.lockSeconds * 1000);
  await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { lockedUntil } });
    await recordSecurityEvent(tx, { userId, risk, action: "locked", client });
    await recordAudit(tx, { action: "auth.risk_locked", actorId: null, targetType: "user", targetId: userId, metadata: { patterns: risk.patterns, riskScore: risk.score }, client });
  });
  await forgetUser(deps, userId);
  deps.logger.warn({ userId, patterns: risk.patterns, riskScore: risk.score }, "sign-in locked as high risk");
}

async function alert(deps: SignInRiskDeps, to: string, subject: string, lines: string[]): Promise<void> {
  await deps.mailer.send({ to, subject, text: lines.join("\n\n") }).catch((error: unknown) => deps.logger.warn({ err: error, mail: "security_alert" }, "security alert could not be mailed"));
}
