import type { Config } from "../../config.js";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../../platform/crypto.js";
import { isUniqueViolation } from "../../platform/db/unique-violation.js";
import { DomainError, DomainErrors, ErrorCode } from "../../platform/errors.js";
import type { Logger } from "../../platform/logger.js";
import type { Mailer, MailMessage } from "../../platform/mail/mailer.js";
import { recordAudit, type Actor, type ClientInfo, type SessionActor } from "../security/audit.service.js";
import { forgetUser, normalizeEmail } from "../users/users.service.js";
import { consumeOneTimeToken, issueOneTimeToken } from "./one-time-tokens.js";
import { passwordProblems } from "./password-policy.js";
import { requireRecentProof } from "./recent-proof.js";
import { announceEndedSessions, endSessionsIn, type SessionsDeps } from "./sessions.service.js";

export type AccountDeps = SessionsDeps & { mailer: Mailer; logger: Logger; config: Pick<Config, "account" | "mfa"> };

const emailMaxLength = 254;

function link(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set("token", token);
  return url.toString();
}

/** Sends without failing the caller's change: the change has committed, a lost mail is logged (never its body). */
async function sendMail(deps: AccountDeps, message: MailMessage, kind: string): Promise<void> {
  await deps.mailer.send(message).catch((error: unknown) => deps.logger.warn({ err: error, mail: kind }, "account mail could not be sent"));
}

async function passwordHolder(deps: AccountDeps, userId: string) {
  return deps.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, passwordHash: true, emailVerifiedAt: true } });
}

/** Mails the signed-in user a link proving they own their address; nothing to do once it is verified. */
export async function requestEmailVerification(deps: AccountDeps, actor: Actor): Promise<void> {
  await deps.rateLimiter.consume("emailVerification", { ip: actor.ip, account: actor.userId });
  const user = await passwordHolder(deps, actor.userId);
  if (user.emailVerifiedAt) return;
  const at = new Date();
  const token = await deps.prisma.$transaction(async (tx) => {
    const issued = await issueOneTimeToken(tx, { userId: actor.userId, purpose: "EMAIL_VERIFICATION", ttlSeconds: deps.config.account.emailVerificationTtlSeconds, at });
    await recordAudit(tx, { action: "user.email_verification_requested", actorId: actor.userId, targetType: "user", targetId: actor.userId, client: actor });
    return issued;
  });
  await sendMail(deps, {
    to: user.email,
    subject: "Confirm your email address",
    text: `Confirm that this is your address: ${link(deps.config.account.links.verifyEmail, token)}\n\nThe link works once, for ${Math.round(deps.config.account.emailVerificationTtlSeconds / 3600)} hours.`,
  }, "email_verification");
}

/** Marks the address of the token's user verified. */
export async function verifyEmail(deps: AccountDeps, token: string, client: ClientInfo): Promise<void> {
  await deps.rateLimiter.consume("emailVerification", { ip: client.ip });
  const at = new Date();
  const userId = await deps.prisma.$transaction(async (tx) => {
    const { userId } = await consumeOneTimeToken(tx, "EMAIL_VERIFICATION", token, at);
    await tx.user.update({ where: { id: userId }, data: { emailVerifiedAt: at, verificationStatus: "VERIFIED" } });
    await recordAudit(tx, { action: "user.email_verified", actorId: userId, targetType: "user", targetId: userId, client });
    return userId;
  });
  await forgetUser(deps, userId);
}

/** Mails a reset link when the address belongs to an account that can sign in; answers the same either way. */
export async function requestPasswordReset(deps: AccountDeps, email: string, client: ClientInfo): Promise<void> {
  const normalized = normalizeEmail(email);
  await deps.rateLimiter.consume("passwordReset", { ip: client.ip, account: normalized });
  if (normalized.length > emailMaxLength) return;
  const user = await deps.prisma.user.findUnique({ where: { email: normalized }, select: { id: true, status: true } });
  if (!user || user.status === "DELETED" || user.status === "SUSPENDED") return;
  // Not awaited: a known address must not answer more slowly than an unknown one.
  void mailPasswordReset(deps, user.id, normalized, client).catch((error: unknown) =>
    deps.logger.error({ err: error }, "password reset could not be prepared"),
  );
}

async function mailPasswordReset(deps: AccountDeps, userId: string, email: string, client: ClientInfo): Promise<void> {
  const at = new Date();
  const ttl = deps.config.account.passwordResetTtlSeconds;
  const token = await deps.prisma.$transaction(async (tx) => {
    const issued = await issueOneTimeToken(tx, { userId, purpose: "PASSWORD_RESET", ttlSeconds: ttl, at });
    await recordAudit(tx, { action: "auth.password_reset_requested", actorId: null, targetType: "user", targetId: userId, client });
    return issued;
  });
  await sendMail(deps, {
    to: email,
    subject: "Reset your password",
    text: `Choose a new password: ${link(deps.config.account.links.resetPassword, token)}\n\nThe link works once, for ${Math.round(ttl / 60)} minutes. If you did not ask for it, ignore this mail; your password stays as it is.`,
  }, "password_reset");
}

async function newPasswordHash(password: string, email: string, field: string[]): Promise<string> {
  const problems = passwordProblems(password, email, field);
  if (problems.length) throw new DomainErrors(problems);
  return hashPassword(password);
}

function passwordChangedNotice(email: string): MailMessage {
  return {
    to: email,
    subject: "Your password was changed",
    text: "The password of your account was just changed. If this was not you, reset your password at once and contact support.",
  };
}

/** Sets a new password with a reset token: every session ends and a lockout is lifted. */
export async function resetPassword(deps: AccountDeps, token: string, newPassword: string, client: ClientInfo): Promise<void> {
  await deps.rateLimiter.consume("passwordReset", { ip: client.ip });
  const at = new Date();
  const { email, ended } = await deps.prisma.$transaction(async (tx) => {
    const { userId } = await consumeOneTimeToken(tx, "PASSWORD_RESET", token, at);
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, status: true } });
    const passwordHash = await newPasswordHash(newPassword, user.email, ["newPassword"]);
    await tx.user.update({
      where: { id: userId },
      data: { passwordHash, failedLoginCount: 0, lockoutCount: 0, lockedUntil: null, ...(user.status === "LOCKED" ? { status: "ACTIVE" } : {}) },
    });
    await recordAudit(tx, { action: "auth.password_reset", actorId: userId, targetType: "user", targetId: userId, client });
    return { email: user.email, ended: await endSessionsIn(tx, deps, { userId, reason: "password_reset", client }) };
  });
  await forgetUser(deps, ended.userId);
  await announceEndedSessions(deps, ended);
  deps.authMetrics.recordActivity("password_reset", "none");
  await sendMail(deps, passwordChangedNotice(email), "password_changed");
}

async function requirePassword(deps: AccountDeps, actor: Actor, password: string, field: string[]) {
  const user = await passwordHolder(deps, actor.userId);
  // Guessing a signed-in account's password counts against the same limits as guessing it at login.
  await deps.rateLimiter.consume("login", { ip: actor.ip, account: user.email });
  const ok = user.passwordHash && password.length <= 1024 ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password.slice(0, 1024));
  if (!ok) throw new DomainError(ErrorCode.WRONG_PASSWORD, "The current password is not right", field);
  return user;
}

/** Changes the signed-in user's password after checking the current one; their other sessions end. */
export async function changePassword(deps: AccountDeps, actor: Actor & { sessionId: string }, currentPassword: string, newPassword: string): Promise<void> {
  const user = await requirePassword(deps, actor, currentPassword, ["currentPassword"]);
  const passwordHash = await newPasswordHash(newPassword, user.email, ["newPassword"]);
  const ended = await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.userId }, data: { passwordHash } });
    await recordAudit(tx, { action: "auth.password_changed", actorId: actor.userId, targetType: "user", targetId: actor.userId, client: actor });
    return endSessionsIn(tx, deps, { userId: actor.userId, keep: actor.sessionId, reason: "password_changed", client: actor });
  });
  await announceEndedSessions(deps, ended);
  deps.authMetrics.recordActivity("password_change", "none");
  await sendMail(deps, passwordChangedNotice(user.email), "password_changed");
}

const emailTaken = () => new DomainError(ErrorCode.EMAIL_TAKEN, "Another account uses this email address", ["newEmail"]);

/** Starts an email change: a confirmation link to the new address, a notice to the current one. */
export async function requestEmailChange(deps: AccountDeps, actor: SessionActor, newEmail: string, password: string): Promise<void> {
  requireRecentProof(deps, actor);
  const user = await requirePassword(deps, actor, password, ["password"]);
  const email = normalizeEmail(newEmail);
  if (email.length > emailMaxLength) throw new DomainError(ErrorCode.TOO_LONG, "The email address is too long", ["newEmail"]);
  if (email === user.email) throw new DomainError(ErrorCode.BAD_USER_INPUT, "This is already your email address", ["newEmail"]);
  if (await deps.prisma.user.findUnique({ where: { email }, select: { id: true } })) throw emailTaken();
  const ttl = deps.config.account.emailChangeTtlSeconds;
  const token = await deps.prisma.$transaction(async (tx) => {
    const issued = await issueOneTimeToken(tx, { userId: actor.userId, purpose: "EMAIL_CHANGE", ttlSeconds: ttl, at: new Date(), payload: { newEmail: email } });
    await recordAudit(tx, { action: "user.email_change_requested", actorId: actor.userId, targetType: "user", targetId: actor.userId, client: actor });
    return issued;
  });
  await sendMail(deps, {
    to: email,
    subject: "Confirm your new email address",
    text: `Confirm that this address should become your account's: ${link(deps.config.account.links.confirmEmailChange, token)}\n\nThe link works once, for ${Math.round(ttl / 3600)} hours.`,
  }, "email_change");
  await sendMail(deps, {
    to: user.email,
    subject: "Your email address is about to change",
    text: `Someone signed in to your account asked to change its email address to ${email}. If this was not you, change your password at once.`,
  }, "email_change_notice");
}

/** Makes the confirmed new address the account's email (verified, since the link reached it). */
export async function confirmEmailChange(deps: AccountDeps, token: string, client: ClientInfo): Promise<void> {
  const at = new Date();
  try {
    const changed = await deps.prisma.$transaction(async (tx) => {
      const { userId, payload } = await consumeOneTimeToken(tx, "EMAIL_CHANGE", token, at);
      const newEmail = (payload as { newEmail?: unknown } | null)?.newEmail;
      if (typeof newEmail !== "string") throw new DomainError(ErrorCode.INVALID_TOKEN, "This link is invalid or has expired; ask for a new one", ["token"]);
      const before = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
      await tx.user.update({ where: { id: userId }, data: { email: newEmail, emailVerifiedAt: at, verificationStatus: "VERIFIED" } });
      await recordAudit(tx, { action: "user.email_changed", actorId: userId, targetType: "user", targetId: userId, client });
      return { userId, oldEmail: before.email, newEmail };
    });
    await forgetUser(deps, changed.userId);
    await sendMail(deps, {
      to: changed.oldEmail,
      subject: "Your email address was changed",
      text: `Your account's email address is now ${changed.newEmail}. If this was not you, contact support at once.`,
    }, "email_changed");
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}
