import { randomBytes, randomInt } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { secretsEqual, sha256Hex } from "../../platform/crypto.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { distinctUuids } from "../../platform/ids.js";
import type { Logger } from "../../platform/logger.js";
import type { Mailer } from "../../platform/mail/mailer.js";
import type { RateLimiter } from "../../platform/rate-limit.js";
import type { SecretBox } from "../../platform/secret-box.js";
import { recordAudit, type Actor, type ClientInfo, type SessionActor } from "../security/audit.service.js";
import type { IdentityRef } from "./new-account.js";
import { consumeOneTimeToken, issueOneTimeToken } from "./one-time-tokens.js";
import { requireRecentProof } from "./recent-proof.js";

export interface MfaDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  logger: Logger;
  config: { mfa: { issuer: string; challengeTtlSeconds: number; stepUpMaxAgeSeconds: number } };
}

const stepSeconds = 30;
const recoveryCodeCount = 10;
/** Wrong codes a sign-in challenge takes before it is used up. */
const challengeAttempts = 5;

const invalidCode = (field = ["code"]) => new DomainError(ErrorCode.INVALID_MFA_CODE, "The code is not right, or was already used", field);

/** Ten one-time recovery codes like `k3f9q-2mx7d`, and their hashes. */
function newRecoveryCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: recoveryCodeCount }, () => {
    const chars = [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

function normalizedRecoveryCode(code: string): string {
  return code.trim().toLowerCase();
}

async function replaceRecoveryCodes(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: sha256Hex(code) })) });
  return codes;
}

async function notify(deps: MfaDeps, userId: string, subject: string, text: string): Promise<void> {
  const { email } = await deps.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  await deps.mailer.send({ to: email, subject, text }).catch((error: unknown) => deps.logger.warn({ err: error, mail: "mfa" }, "mfa mail could not be sent"));
}

/** Whether the user has turned MFA on (a confirmed TOTP factor), for each id asked; one query. */
export async function findMfaEnabled(deps: { prisma: PrismaClient }, userIds: readonly string[]): Promise<boolean[]> {
  const wanted = distinctUuids(userIds);
  const rows = wanted.length ? await deps.prisma.mfaFactor.findMany({ where: { userId: { in: wanted }, confirmedAt: { not: null } }, select: { userId: true } }) : [];
  const enabled = new Set(rows.map((row) => row.userId));
  return userIds.map((id) => enabled.has(id.toLowerCase()));
}

/** Starts (or restarts) TOTP enrolment: a new secret, stored encrypted, shown once with its otpauth:// URL. */
export async function enrollTotp(deps: MfaDeps, actor: Actor): Promise<{ secret: string; otpauthUrl: string }> {
  const existing = await deps.prisma.mfaFactor.findUnique({ where: { userId_type: { userId: actor.userId, type: "TOTP" } }, select: { confirmedAt: true } });
  if (existing?.confirmedAt) throw new DomainError(ErrorCode.MFA_ALREADY_ENABLED, "MFA is already on; disable it first to enrol a new device");
  const { email } = await deps.prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true } });
  const secret = generateSecret();
  const secretEncrypted = deps.secretBox.seal(secret);
  await deps.prisma.mfaFactor.upsert({
    where: { userId_type: { userId: actor.userId, type: "TOTP" } },
    create: { userId: actor.userId, type: "TOTP", secretEncrypted },
    update: { secretEncrypted, lastUsedStep: null },
  });
  return { secret, otpauthUrl: generateURI({ issuer: deps.config.mfa.issuer, label: email, secret }) };
}

/**
 * Accepts a TOTP code of the user's factor (±1 step), once: the step is recorded atomically, so the same
 * code (or an older one) is refused afterwards, also when two requests race.
 */
async function acceptTotp(deps: MfaDeps, userId: string, code: string, confirmed: boolean): Promise<boolean> {
  const factor = await deps.prisma.mfaFactor.findUnique({ where: { userId_type: { userId, type: "TOTP" } } });
  if (!factor || (factor.confirmedAt !== null) !== confirmed || !/^\d{6}$/.test(code.trim())) return false;
  const lastStep = factor.lastUsedStep === null ? undefined : Number(factor.lastUsedStep);
  const result = await verify({ secret: deps.secretBox.open(factor.secretEncrypted), token: code.trim(), epochTolerance: stepSeconds, afterTimeStep: lastStep });
  if (!result.valid || !("timeStep" in result)) return false;
  const step = BigInt(result.timeStep);
  const claimed = await deps.prisma.mfaFactor.updateMany({
    where: { id: factor.id, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
    data: { lastUsedStep: step },
  });
  return claimed.count === 1;
}

/** Uses up one of the user's recovery codes. */
async function acceptRecoveryCode(deps: MfaDeps, userId: string, code: string): Promise<boolean> {
  if (code.length > 64) return false;
  const used = await deps.prisma.recoveryCode.updateMany({
    where: { userId, codeHash: sha256Hex(normalizedRecoveryCode(code)), usedAt: null },
    data: { usedAt: new Date() },
  });
  return used.count === 1;
}

/** A valid TOTP code or an unused recovery code of the user's confirmed factor. */
export async function acceptSecondFactor(deps: MfaDeps, userId: string, code: string): Promise<boolean> {
  return (await acceptTotp(deps, userId, code, true)) || (await acceptRecoveryCode(deps, userId, code));
}

/** Turns MFA on with a first code from the authenticator; returns the recovery codes, shown only here. */
export async function confirmTotp(deps: MfaDeps, actor: SessionActor, code: string): Promise<string[]> {
  const factor = await deps.prisma.mfaFactor.findUnique({ where: { userId_type: { userId: actor.userId, type: "TOTP" } }, select: { confirmedAt: true } });
  if (!factor) throw new DomainError(ErrorCode.MFA_NOT_ENROLLED, "Start with enrollTotp");
  if (factor.confirmedAt) throw new DomainError(ErrorCode.MFA_ALREADY_ENABLED, "MFA is already on");
  await deps.rateLimiter.consume("mfa", { ip: actor.ip, account: actor.userId });
  if (!(await acceptTotp(deps, actor.userId, code, false))) throw invalidCode();
  const codes = await deps.prisma.$transaction(async (tx) => {
    await tx.mfaFactor.update({ where: { userId_type: { userId: actor.userId, type: "TOTP" } }, data: { confirmedAt: new Date() } });
    // The first code proves the factor in this session too: refreshed tokens carry `otp` (a company's mfaRequired needs it).
    await tx.session.update({ where: { id: actor.sessionId }, data: { authMethods: { push: "otp" } } });
    await recordAudit(tx, { action: "auth.mfa_enabled", actorId: actor.userId, targetType: "user", targetId: actor.userId, client: actor });
    return replaceRecoveryCodes(tx, actor.userId);
  });
  await notify(deps, actor.userId, "Two-step sign-in is on", "Signing in to your account now asks for a code from your authenticator app. If this was not you, contact support at once.");
  return codes;
}

async function requireConfirmedFactor(deps: MfaDeps, userId: string): Promise<void> {
  const factor = await deps.prisma.mfaFactor.findUnique({ where: { userId_type: { userId, type: "TOTP" } }, select: { confirmedAt: true } });
  if (!factor?.confirmedAt) throw new DomainError(ErrorCode.MFA_NOT_ENROLLED, "MFA is not on for this account");
}

/** Turns MFA off; needs a current code (or a recovery code). */
export async function disableMfa(deps: MfaDeps, actor: SessionActor, code: string): Promise<void> {
  requireRecentProof(deps, actor);
  await requireConfirmedFactor(deps, actor.userId);
  await deps.rateLimiter.consume("mfa", { ip: actor.ip, account: actor.userId });
  if (!(await acceptSecondFactor(deps, actor.userId, code))) throw invalidCode();
  await deps.prisma.$transaction(async (tx) => {
    await tx.mfaFactor.deleteMany({ where: { userId: actor.userId } });
    await tx.recoveryCode.deleteMany({ where: { userId: actor.userId } });
    await recordAudit(tx, { action: "auth.mfa_disabled", actorId: actor.userId, targetType: "user", targetId: actor.userId, client: actor });
  });
  await notify(deps, actor.userId, "Two-step sign-in is off", "Your account no longer asks for an authenticator code at sign-in. If this was not you, reset your password and contact support.");
}

/** New recovery codes in place of the old ones; needs a current code (or a recovery code). */
export async function regenerateRecoveryCodes(deps: MfaDeps, actor: SessionActor, code: string): Promise<string[]> {
  requireRecentProof(deps, actor);
  await requireConfirmedFactor(deps, actor.userId);
  await deps.rateLimiter.consume("mfa", { ip: actor.ip, account: actor.userId });
  if (!(await acceptSecondFactor(deps, actor.userId, code))) throw invalidCode();
  const codes = await deps.prisma.$transaction(async (tx) => {
    await recordAudit(tx, { action: "auth.recovery_codes_regenerated", actorId: actor.userId, targetType: "user", targetId: actor.userId, client: actor });
    return replaceRecoveryCodes(tx, actor.userId);
  });
  await notify(deps, actor.userId, "New recovery codes", "New recovery codes were made for your account; the old ones no longer work.");
  return codes;
}

/** Whether signing in as the user needs a second factor. */
export async function needsSecondFactor(deps: { prisma: PrismaClient }, userId: string): Promise<boolean> {
  return (await findMfaEnabled(deps, [userId]))[0] === true;
}

/** How a challenge is answered: the authenticator app, or a code mailed for this one sign-in. */
export type ChallengeMethod = "TOTP" | "EMAIL_CODE";

/** What a challenge remembers: wrong codes so far, how it is answered, and the SSO identity to link once it is passed. */
interface ChallengePayload {
  failures?: number;
  method?: ChallengeMethod;
  /** EMAIL_CODE: SHA-256 of `<challenge id>:<code>`, so the row alone cannot be used to find the code. */
  codeHash?: string;
  pendingLink?: IdentityRef;
  /** How the sign-in began: a password, or an identity provider's token (the tokens' first `amr`). */
  firstFactor?: FirstFactor;
}

export type FirstFactor = "pwd" | "sso";

function challengePayloadJson(payload: ChallengePayload): Prisma.InputJsonObject {
  const link = payload.pendingLink;
  return {
    failures: payload.failures ?? 0,
    method: payload.method ?? "TOTP",
    firstFactor: payload.firstFactor ?? "pwd",
    ...(payload.codeHash ? { codeHash: payload.codeHash } : {}),
    ...(link ? { pendingLink: { provider: link.provider, issuer: link.issuer, subject: link.subject, email: link.email } } : {}),
  };
}

const emailCodeHash = (challengeId: string, code: string) => sha256Hex(`${challengeId}:${code.trim()}`);

/**
 * A short-lived, single-use challenge for the second step of a sign-in; its id is returned once, stored
 * hashed. With EMAIL_CODE a 6-digit code goes to the user's address. `pendingLink` is an SSO identity that
 * gets linked to the account only when the challenge is passed.
 */
export async function openMfaChallenge(
  deps: MfaDeps,
  userId: string,
  options: { method?: ChallengeMethod; pendingLink?: IdentityRef; firstFactor?: FirstFactor } = {},
): Promise<string> {
  const { method = "TOTP", pendingLink, firstFactor } = options;
  const ttlSeconds = deps.config.mfa.challengeTtlSeconds;
  const common = { userId, purpose: "MFA_CHALLENGE" as const, ttlSeconds, at: new Date() };
  if (method === "TOTP") return issueOneTimeToken(deps.prisma, { ...common, payload: challengePayloadJson({ method, pendingLink, firstFactor }) });
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const challengeId = await issueOneTimeToken(deps.prisma, {
    ...common,
    payload: (id) => challengePayloadJson({ method, pendingLink, firstFactor, codeHash: emailCodeHash(id, code) }),
  });
  await notify(
    deps,
    userId,
    "Your sign-in code",
    `Someone, hopefully you, is signing in to your account from a place or device we have not seen before. The code is ${code}; it works once, for ${Math.round(ttlSeconds / 60)} minutes. If this was not you, change your password now.`,
  );
  return challengeId;
}

/**
 * Answers a sign-in challenge with a TOTP or recovery code (or the mailed code); returns the user once it is
 * passed. A challenge is used up by its answer, or by too many wrong codes.
 */
export async function passMfaChallenge(
  deps: MfaDeps,
  challengeId: string,
  code: string,
  client: ClientInfo,
): Promise<{ userId: string; method: ChallengeMethod; firstFactor: FirstFactor; pendingLink: IdentityRef | null }> {
  const unknown = new DomainError(ErrorCode.INVALID_MFA_CHALLENGE, "This sign-in has expired; sign in again", ["challengeId"]);
  await deps.rateLimiter.consume("mfa", { ip: client.ip });
  const hash = challengeId && challengeId.length <= 128 ? sha256Hex(challengeId) : null;
  const challenge = hash
    ? await deps.prisma.oneTimeToken.findFirst({ where: { tokenHash: hash, purpose: "MFA_CHALLENGE", usedAt: null, expiresAt: { gt: new Date() } } })
    : null;
  if (!challenge) throw unknown;
  await deps.rateLimiter.consume("mfa", { account: challenge.userId });
  const payload = (challenge.payload ?? {}) as ChallengePayload;
  const method = payload.method ?? "TOTP";
  const passed =
    method === "EMAIL_CODE"
      ? Boolean(payload.codeHash) && /^\d{6}$/.test(code.trim()) && secretsEqual(payload.codeHash!, emailCodeHash(challengeId, code))
      : await acceptSecondFactor(deps, challenge.userId, code);
  if (!passed) {
    const failures = Number(payload.failures ?? 0) + 1;
    await deps.prisma.oneTimeToken.update({
      where: { id: challenge.id },
      data: { payload: challengePayloadJson({ ...payload, failures }), ...(failures >= challengeAttempts ? { usedAt: new Date() } : {}) },
    });
    await recordAudit(deps.prisma, { action: "auth.mfa_failed", actorId: challenge.userId, targetType: "user", targetId: challenge.userId, metadata: { failures }, client });
    throw invalidCode();
  }
  await deps.prisma.$transaction((tx) => consumeOneTimeToken(tx, "MFA_CHALLENGE", challengeId, new Date())).catch(() => {
    throw unknown;
  });
  return { userId: challenge.userId, method, firstFactor: payload.firstFactor ?? "pwd", pendingLink: payload.pendingLink ?? null };
}
