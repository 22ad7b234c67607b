import { LRUCache } from "lru-cache";
import type { PrismaClient } from "../../generated/prisma/client";
import type { Cache } from "../../platform/cache/cache";
import type { Logger } from "../../platform/logger";

/** The Redis channel revocations travel on, for every replica and any other service that listens. */
export const revocationChannel = "auth:revocations";

export type RevocationMessage =
  | { type: "sessions-revoked"; sessionIds: string[] }
  | { type: "user-not-before"; userId: string; notBefore: number };

interface SessionState {
  userId: string;
  revoked: boolean;
  absoluteExpiresAt: number;
  /** The user's marker as read with the session (epoch ms). */
  userNotBefore: number;
}

export interface SessionGuardDeps {
  prisma: PrismaClient;
  cache: Cache;
  logger: Logger;
  clock?: () => number;
}

// Bounds how long a revocation missed during a Redis outage can go unseen by another replica.
const stateTtlMs = 60_000;

/**
 * Decides in-process whether an access token's session is still alive: not revoked, not past its
 * absolute limit, and the token not older than the user's "not before" marker. Each session is read
 * from the database once, then kept; revocations update it here and reach other replicas by pub/sub.
 */
export function createSessionGuard(deps: SessionGuardDeps) {
  const clock = deps.clock ?? Date.now;
  const sessions = new LRUCache<string, SessionState>({ max: 100_000, ttl: stateTtlMs });
  const notBefore = new LRUCache<string, number>({ max: 100_000, ttl: stateTtlMs });
  const loading = new Map<string, Promise<SessionState | null>>();

  function apply(message: RevocationMessage) {
    if (message.type === "sessions-revoked") {
      for (const id of message.sessionIds) {
        const state = sessions.get(id);
        if (state) sessions.set(id, { ...state, revoked: true });
      }
    } else {
      notBefore.set(message.userId, Math.max(notBefore.get(message.userId) ?? 0, message.notBefore));
    }
  }

  const unsubscribe = deps.cache.subscribe(revocationChannel, (raw) => {
    try {
      apply(JSON.parse(raw) as RevocationMessage);
    } catch (error) {
      deps.logger.warn({ err: error }, "ignored a malformed revocation message");
    }
  });

  async function load(sessionId: string): Promise<SessionState | null> {
    const row = await deps.prisma.session.findUnique({
      where: { id: sessionId },
      select: { userId: true, revokedAt: true, absoluteExpiresAt: true, user: { select: { notBefore: true } } },
    });
    if (!row) return null;
    const state = {
      userId: row.userId,
      revoked: row.revokedAt !== null,
      absoluteExpiresAt: row.absoluteExpiresAt.getTime(),
      userNotBefore: row.user.notBefore?.getTime() ?? 0,
    };
    sessions.set(sessionId, state);
    return state;
  }

  async function stateOf(sessionId: string): Promise<SessionState | null> {
    const known = sessions.get(sessionId);
    if (known) return known;
    let pending = loading.get(sessionId);
    if (!pending) {
      pending = load(sessionId).finally(() => loading.delete(sessionId));
      loading.set(sessionId, pending);
    }
    return pending;
  }

  async function publish(message: RevocationMessage) {
    apply(message);
    await deps.cache.publish(revocationChannel, JSON.stringify(message));
  }

  return {
    /** True when a token of `userId`, issued at `issuedAtSeconds` for `sessionId`, may still be used. */
    async isActive(sessionId: string, userId: string, issuedAtSeconds: number): Promise<boolean> {
      const state = await stateOf(sessionId);
      if (!state || state.revoked || state.userId !== userId || state.absoluteExpiresAt <= clock()) return false;
      return issuedAtSeconds * 1000 >= Math.max(state.userNotBefore, notBefore.get(userId) ?? 0);
    },
    /** Call after the sessions were marked revoked in the database. */
    sessionsRevoked(sessionIds: string[]): Promise<void> {
      return sessionIds.length ? publish({ type: "sessions-revoked", sessionIds }) : Promise.resolve();
    },
    /** Call after the user's `notBefore` was moved in the database. */
    userNotBeforeMoved(userId: string, at: Date): Promise<void> {
      return publish({ type: "user-not-before", userId, notBefore: at.getTime() });
    },
    close: unsubscribe,
  };
}

export type SessionGuard = ReturnType<typeof createSessionGuard>;
