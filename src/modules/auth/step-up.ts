import { verifyAgainstDummy, verifyPassword } from "../../platform/crypto.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import type { SessionActor } from "../security/audit.service.js";
import { acceptSecondFactor, needsSecondFactor, type MfaDeps } from "./mfa.service.js";
import { renewSessionProof, type AuthTokens, type SessionsDeps } from "./sessions.service.js";

export type StepUpDeps = SessionsDeps & MfaDeps & { config: { mfa: { stepUpMaxAgeSeconds: number } } };

/**
 * A new proof of identity inside the current session: the account's password, or a TOTP or recovery
 * code when MFA is on. Answers tokens whose `auth_time` is now.
 */
export async function reauthenticate(deps: StepUpDeps, actor: SessionActor, proof: { password?: string | null; code?: string | null }): Promise<AuthTokens> {
  if (proof.code) {
    await deps.rateLimiter.consume("mfa", { ip: actor.ip, account: actor.userId });
    const accepted = (await needsSecondFactor(deps, actor.userId)) && (await acceptSecondFactor(deps, actor.userId, proof.code));
    if (!accepted) throw new DomainError(ErrorCode.INVALID_MFA_CODE, "The code is not right, or was already used", ["code"]);
    return renewSessionProof(deps, actor, "otp");
  }
  if (!proof.password) throw new DomainError(ErrorCode.REQUIRED, "Give your password, or a code from your authenticator", ["password"]);
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true, passwordHash: true } });
  await deps.rateLimiter.consume("login", { ip: actor.ip, account: user.email });
  const password = proof.password.slice(0, 1024);
  const ok = user.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!ok) throw new DomainError(ErrorCode.WRONG_PASSWORD, "The password is not right", ["password"]);
  return renewSessionProof(deps, actor, "pwd");
}
