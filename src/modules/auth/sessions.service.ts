import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { Config } from "../../config.js";
import type { Cache } from "../../platform/cache/cache.js";
import { permissionsOf } from "../../permissions/roles.js";
import { randomToken, sha256Hex } from "../../platform/crypto.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { isUuid } from "../../platform/ids.js";
import type { RateLimiter } from "../../platform/rate-limit.js";
import type { TokenService } from "../../platform/tokens/index.js";
import type { AuthMetrics } from "./auth-metrics.js";
import { findActiveMembership, type ActiveMembership } from "../companies/companies.service.js";
import { featuresOf } from "../subscriptions/tiers.js";
import { recordAudit, type Actor, type ClientInfo } from "../security/audit.service.js";
import { findPresentedToken, rotatePresentedToken } from "./refresh-rotation.js";
import type { SessionGuard } from "./session-guard.js";

export interface SessionsDeps {
  prisma: PrismaClient;
  cache: Cache;
  tokens: TokenService;
  guard: SessionGuard;
  rateLimiter: RateLimiter;
  config: Pick<Config, "tokens" | "sessions" | "lockout" | "operators">;
  authMetrics: AuthMetrics;
  clock?: () => number;
}

/** A Prisma client or an interactive transaction. */
type Db = Pick<PrismaClient, "session" | "refreshToken" | "auditEvent">;

export interface AuthTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: "Bearer";
  expiresIn: number;
}

export interface SessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

interface SessionRef {
  id: string;
  userId: string;
  activeCompanyId: string | null;
  authenticatedAt: Date;
  authMethods: string[];
}

const sessionRefSelect = { id: true, userId: true, activeCompanyId: true, absoluteExpiresAt: true, authenticatedAt: true, authMethods: true } as const;

const invalidRefreshToken = () =>
  new DomainError(ErrorCode.INVALID_REFRESH_TOKEN, "The refresh token is invalid or has expired; sign in again", ["refreshToken"]);

function now(deps: SessionsDeps): Date {
  return new Date((deps.clock ?? Date.now)());
}

/** Opens a session and its first refresh token (inside the caller's transaction when given one). */
export async function openSession(
  deps: SessionsDeps,
  db: Db,
  input: { userId: string; companyId: string | null; userAgent: string | null; ip: string | null; authMethods: string[] },
): Promise<{ session: SessionRef; refreshToken: string }> {
  const at = now(deps);
  const { idleTimeoutSeconds, absoluteTimeoutSeconds } = deps.config.sessions;
  const session = await db.session.create({
    data: {
      userId: input.userId,
      activeCompanyId: input.companyId,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      ip: input.ip,
      createdAt: at,
      lastUsedAt: at,
      idleExpiresAt: new Date(at.getTime() + idleTimeoutSeconds * 1000),
      absoluteExpiresAt: new Date(at.getTime() + absoluteTimeoutSeconds * 1000),
      authenticatedAt: at,
      authMethods: input.authMethods,
    },
    select: sessionRefSelect,
  });
  const refreshToken = await createRefreshToken(deps, db, { ...session, familyId: null, parentId: null });
  return { session, refreshToken };
}

async function createRefreshToken(
  deps: SessionsDeps,
  db: Db,
  input: { id: string; userId: string; absoluteExpiresAt: Date; familyId: string | null; parentId: string | null },
): Promise<string> {
  const token = randomToken(32);
  const at = now(deps);
  await db.refreshToken.create({
    data: {
      sessionId: input.id,
      userId: input.userId,
      tokenHash: sha256Hex(token),
      familyId: input.familyId ?? input.id,
      parentId: input.parentId,
      expiresAt: refreshTokenExpiry(deps, at, input.absoluteExpiresAt),
      createdAt: at,
    },
    select: { id: true },
  });
  return token;
}

/** A refresh token lasts its TTL, but never past its session's absolute limit. */
function refreshTokenExpiry(deps: SessionsDeps, at: Date, absoluteExpiresAt: Date): Date {
  return new Date(Math.min(at.getTime() + deps.config.tokens.refreshTokenTtlSeconds * 1000, absoluteExpiresAt.getTime()));
}

/** Signs an access token for the session's active company (role and tier read now) and pairs it with `refreshToken`. */
export async function issueTokens(
  deps: SessionsDeps,
  session: SessionRef,
  refreshToken: string,
  options: { correlationId?: string; membership?: ActiveMembership | null } = {},
): Promise<AuthTokens> {
  const { correlationId } = options;
  // null: looked up already, and the user belongs to no company any more.
  const membership = options.membership === undefined ? await findActiveMembership(deps, session.userId, session.activeCompanyId) : options.membership;
  if (!membership) throw invalidRefreshToken();
  if (membership.companyId !== session.activeCompanyId) {
    await deps.prisma.session.update({ where: { id: session.id }, data: { activeCompanyId: membership.companyId } });
  }
  const access = await deps.tokens.issueAccessToken({
    userId: session.userId,
    companyId: membership.companyId,
    sessionId: session.id,
    role: membership.role,
    permissions: permissionsOf(membership.role),
    tier: membership.tier,
    features: featuresOf(membership.tier),
    correlationId,
    authTime: Math.floor(session.authenticatedAt.getTime() / 1000),
    amr: session.authMethods,
  });
  return { accessToken: access.token, refreshToken, tokenType: "Bearer", expiresIn: access.expiresIn };
}

/**
 * Rotates a refresh token. A token already rotated is still honoured within the grace window (tabs
 * refreshing together each get a valid pair); after it, the reuse is taken as theft and the session ends.
 */
export async function refreshSession(deps: SessionsDeps, presented: string, client: ClientInfo): Promise<AuthTokens> {
  try {
    const tokens = await rotateRefreshToken(deps, presented, client);
    deps.authMetrics.recordRefresh(true);
    deps.authMetrics.recordActivity("refresh", "none");
    return tokens;
  } catch (error) {
    deps.authMetrics.recordRefresh(false);
    throw error;
  }
}

async function rotateRefreshToken(deps: SessionsDeps, presented: string, client: ClientInfo): Promise<AuthTokens> {
  await deps.rateLimiter.consume("refresh", { ip: client.ip });
  if (!presented || presented.length > 256) throw invalidRefreshToken();
  const at = now(deps);
  const stored = await findPresentedToken(deps.prisma, sha256Hex(presented));
  if (!stored) throw invalidRefreshToken();
  const { session } = stored;
  const ended = session.revokedAt || session.idleExpiresAt <= at || session.absoluteExpiresAt <= at || stored.userStatus !== "ACTIVE";
  if (ended || stored.expiresAt <= at) throw invalidRefreshToken();
  await deps.rateLimiter.consume("refresh", { account: session.id });

  const refreshToken = randomToken(32);
  const rotation = {
    presented: stored,
    claim: true,
    at,
    idleExpiresAt: new Date(at.getTime() + deps.config.sessions.idleTimeoutSeconds * 1000),
    successor: { tokenHash: sha256Hex(refreshToken), expiresAt: refreshTokenExpiry(deps, at, session.absoluteExpiresAt) },
    client,
  };
  let rotated = await rotatePresentedToken(deps.prisma, rotation);
  if (!rotated.rotated) {
    const usedAt = (await deps.prisma.refreshToken.findUnique({ where: { id: stored.id }, select: { usedAt: true } }))?.usedAt;
    const graceEnds = (usedAt?.getTime() ?? 0) + deps.config.tokens.refreshReuseGraceSeconds * 1000;
    if (!usedAt || at.getTime() > graceEnds) {
      await revokeSessions(deps, session.userId, [session.id], "refresh_token_reuse", client);
      throw invalidRefreshToken();
    }
    rotated = await rotatePresentedToken(deps.prisma, { ...rotation, claim: false });
  }
  return issueTokens(deps, session, refreshToken, { correlationId: client.correlationId, membership: rotated.membership });
}

/**
 * Moves the caller's session to another company they are an active member of: a new token pair scoped to
 * it (the session's earlier refresh tokens are used up), and the user's next sign-in starts there.
 */
export async function switchSessionCompany(deps: SessionsDeps, actor: Actor & { sessionId: string }, companyId: string): Promise<AuthTokens> {
  const membership = isUuid(companyId) ? await findActiveMembership(deps, actor.userId, companyId.toLowerCase()) : null;
  if (!membership || membership.companyId !== companyId.toLowerCase()) {
    throw new DomainError(ErrorCode.NOT_A_MEMBER, "You are not an active member of that company", ["companyId"]);
  }
  const at = now(deps);
  const { session, refreshToken } = await deps.prisma.$transaction(async (tx) => {
    const session = await tx.session.update({
      where: { id: actor.sessionId },
      data: { activeCompanyId: membership.companyId, lastUsedAt: at },
      select: sessionRefSelect,
    });
    await tx.user.update({ where: { id: actor.userId }, data: { lastActiveCompanyId: membership.companyId } });
    await tx.refreshToken.updateMany({ where: { sessionId: session.id, usedAt: null }, data: { usedAt: at } });
    const refreshToken = await createRefreshToken(deps, tx, { ...session, familyId: null, parentId: null });
    await recordAudit(tx, {
      action: "session.company_switched",
      actorId: actor.userId,
      companyId: membership.companyId,
      targetType: "session",
      targetId: session.id,
      client: actor,
    });
    return { session, refreshToken };
  });
  return issueTokens(deps, session, refreshToken, { correlationId: actor.correlationId, membership });
}

/**
 * Records a fresh proof of identity in the caller's session (`auth_time` now, `method` added to `amr`) and
 * answers a new token pair carrying it; the session's earlier refresh tokens are used up.
 */
export async function renewSessionProof(deps: SessionsDeps, actor: Actor & { sessionId: string }, method: string): Promise<AuthTokens> {
  const at = now(deps);
  const { session, refreshToken } = await deps.prisma.$transaction(async (tx) => {
    const current = await tx.session.findUniqueOrThrow({ where: { id: actor.sessionId }, select: { authMethods: true } });
    const session = await tx.session.update({
      where: { id: actor.sessionId },
      data: { authenticatedAt: at, authMethods: [...new Set([...current.authMethods, method])], lastUsedAt: at },
      select: sessionRefSelect,
    });
    await tx.refreshToken.updateMany({ where: { sessionId: session.id, usedAt: null }, data: { usedAt: at } });
    const refreshToken = await createRefreshToken(deps, tx, { ...session, familyId: null, parentId: null });
    await recordAudit(tx, { action: "session.reauthenticated", actorId: actor.userId, targetType: "session", targetId: session.id, metadata: { method }, client: actor });
    return { session, refreshToken };
  });
  return issueTokens(deps, session, refreshToken, { correlationId: actor.correlationId });
}

/** Ends the given sessions of `userId` (others' sessions are left alone); returns how many ended. */
export async function revokeSessions(deps: SessionsDeps, userId: string, sessionIds: string[], reason: string, client: ClientInfo): Promise<number> {
  const ended = await deps.prisma.$transaction(async (tx) => {
    const ended = await tx.session.updateManyAndReturn({
      where: { id: { in: sessionIds.filter(isUuid) }, userId, revokedAt: null },
      data: { revokedAt: now(deps), revokedReason: reason },
      select: { id: true },
    });
    if (ended.length) {
      await recordAudit(tx, {
        action: "session.revoked",
        actorId: userId,
        targetType: "user",
        targetId: userId,
        metadata: { reason, sessionIds: ended.map((session) => session.id) },
        client,
      });
    }
    return ended;
  });
  await deps.guard.sessionsRevoked(ended.map((session) => session.id));
  return ended.length;
}

/** Ends one of the user's own sessions; NOT_FOUND when it is not theirs or already ended. */
export async function revokeOwnSession(deps: SessionsDeps, userId: string, sessionId: string, client: ClientInfo): Promise<void> {
  if ((await revokeSessions(deps, userId, [sessionId], "revoked_by_user", client)) === 0) {
    throw new DomainError(ErrorCode.NOT_FOUND, "No such active session", ["id"]);
  }
}

/** What a transaction ended, for the guard to announce once it has committed. */
export interface EndedSessions {
  userId: string;
  sessionIds: string[];
  /** Set when every access token issued before it is refused too. */
  notBefore: Date | null;
}

/**
 * Inside the caller's transaction: ends the user's sessions (all of them, or all but `keep`) with an audit
 * event; ending all of them also refuses every access token issued before now. Announce the result after commit.
 */
export async function endSessionsIn(
  tx: Prisma.TransactionClient,
  deps: SessionsDeps,
  input: { userId: string; keep?: string; reason: string; client: ClientInfo },
): Promise<EndedSessions> {
  const at = now(deps);
  const { userId, keep, reason, client } = input;
  // Second precision: a token's `iat` is whole seconds, so a sign-in right after this is still accepted.
  const notBefore = keep ? null : new Date(Math.floor(at.getTime() / 1000) * 1000);
  if (notBefore) await tx.user.update({ where: { id: userId }, data: { notBefore } });
  await recordAudit(tx, {
    action: keep ? "session.revoked_others" : "session.revoked_all",
    actorId: userId,
    targetType: "user",
    targetId: userId,
    metadata: { reason },
    client,
  });
  const sessions = await tx.session.updateManyAndReturn({
    where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
    data: { revokedAt: at, revokedReason: reason },
    select: { id: true },
  });
  return { userId, sessionIds: sessions.map((session) => session.id), notBefore };
}

/** Tells every replica what `endSessionsIn` ended. */
export async function announceEndedSessions(deps: SessionsDeps, ended: EndedSessions): Promise<void> {
  if (ended.notBefore) await deps.guard.userNotBeforeMoved(ended.userId, ended.notBefore);
  await deps.guard.sessionsRevoked(ended.sessionIds);
}

/** Ends every session of the user and refuses every access token issued before now. */
export async function revokeAllSessions(deps: SessionsDeps, userId: string, reason: string, client: ClientInfo): Promise<void> {
  const ended = await deps.prisma.$transaction((tx) => endSessionsIn(tx, deps, { userId, reason, client }));
  await announceEndedSessions(deps, ended);
}

/** The user's sessions still usable, newest first; `current` marks the caller's. */
export async function listSessions(deps: SessionsDeps, userId: string, currentSessionId: string): Promise<SessionView[]> {
  const at = now(deps);
  const rows = await deps.prisma.session.findMany({
    where: { userId, revokedAt: null, idleExpiresAt: { gt: at }, absoluteExpiresAt: { gt: at } },
    select: { id: true, createdAt: true, lastUsedAt: true, userAgent: true, ip: true },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => ({ ...row, current: row.id === currentSessionId }));
}
