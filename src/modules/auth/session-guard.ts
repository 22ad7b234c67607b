import { LRUCache } from "lru-cache";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Cache } from "../../platform/cache/cache.js";
import { lruFootprint, type CacheFootprint } from "../../platform/cache/footprint.js";
import { lruBounds } from "../../platform/cache/lru-bounds.js";
import type { Logger } from "../../platform/logger.js";

/** The Redis channel revocations travel on, for every replica and any other service that listens. */
export const revocationChannel = "auth:revocations";

export type RevocationMessage =
  | { type: "sessions-revoked"; sessionIds: string[] }
  | { type: "user-not-before"; userId: string; notBefore: number }
  /** A role granted, changed or removed (`role: null`): tokens for that company with another role or older than `roleSince` stop. */
  | { type: "membership-changed"; userId: string; companyId: string; role: string | null; roleSince: number }
  /** A company's subscription changed: its tokens with another tier or older than `since` stop. */
  | { type: "plan-changed"; companyId: string; tier: string; since: number };

/** The token fields the guard decides on. */
export interface GuardedToken {
  sessionId: string;
  userId: string;
  companyId: string;
  role: string;
  /** The subscription tier of `companyId` when the token was issued. */
  tier: string;
  /** Unix seconds. */
  issuedAt: number;
}

interface SessionState {
  userId: string;
  revoked: boolean;
  absoluteExpiresAt: number;
  /** The user's marker as read with the session (epoch ms). */
  userNotBefore: number;
}

interface MembershipState {
  /** null when the user is not an active member. */
  role: string | null;
  /** Epoch ms. */
  roleSince: number;
}

interface PlanState {
  tier: string;
  /** Epoch ms of the subscription's last change. */
  since: number;
}

export interface SessionGuardDeps {
  prisma: PrismaClient;
  cache: Cache;
  logger: Logger;
  clock?: () => number;
  /** Bounds of each of the guard's tables (sessions, markers, memberships, plans). */
  bounds?: { maxEntries: number; maxBytes: number };
}

export const sessionGuardDefaults = { maxEntries: 100_000, maxBytes: 16 * 1024 * 1024 };
// Measured: one entry's state object and the LRU's bookkeeping take about 300 bytes besides its key.
const entryOverheadBytes = 300;

// A backstop: revocations missed during a Redis outage are caught up when pub/sub returns (`onCoherenceRegained`).
const stateTtlMs = 60_000;

/**
 * Decides in-process whether an access token's session is still alive: not revoked, not past its
 * absolute limit, and the token not older than the user's "not before" marker. Each session is read
 * from the database once, then kept; revocations update it here and reach other replicas by pub/sub.
 */
export function createSessionGuard(deps: SessionGuardDeps) {
  const clock = deps.clock ?? Date.now;
  const { maxEntries, maxBytes } = deps.bounds ?? sessionGuardDefaults;
  const { maxSize, charge } = lruBounds(maxEntries, maxBytes);
  // ttlResolution 0: read the clock per lookup; lru-cache's default caches it behind a timer made every millisecond.
  const table = { maxSize, sizeCalculation: (_state: unknown, key: string) => charge(entryOverheadBytes + key.length), ttl: stateTtlMs, ttlResolution: 0 };
  const sessions = new LRUCache<string, SessionState>(table);
  const notBefore = new LRUCache<string, number>(table);
  const loading = new Map<string, Promise<SessionState | null>>();
  const memberships = new LRUCache<string, MembershipState>(table);
  const loadingMemberships = new Map<string, Promise<MembershipState>>();
  const plans = new LRUCache<string, PlanState>(table);
  const loadingPlans = new Map<string, Promise<PlanState>>();

  function apply(message: RevocationMessage) {
    if (message.type === "sessions-revoked") {
      for (const id of message.sessionIds) {
        const state = sessions.get(id);
        if (state) sessions.set(id, { ...state, revoked: true });
      }
    } else if (message.type === "user-not-before") {
      notBefore.set(message.userId, Math.max(notBefore.get(message.userId) ?? 0, message.notBefore));
    } else if (message.type === "membership-changed") {
      memberships.set(membershipKey(message.userId, message.companyId), { role: message.role, roleSince: message.roleSince });
    } else {
      const known = plans.get(message.companyId);
      if (!known || known.since <= message.since) plans.set(message.companyId, { tier: message.tier, since: message.since });
    }
  }

  // Bumped when everything known is dropped: a read begun before must not store what it read.
  let generation = 0;
  function forgetAll() {
    generation++;
    for (const known of [sessions, notBefore, memberships, plans]) known.clear();
    for (const pending of [loading, loadingMemberships, loadingPlans]) pending.clear();
  }

  const unsubscribe = deps.cache.subscribe(revocationChannel, (raw) => {
    try {
      apply(JSON.parse(raw) as RevocationMessage);
    } catch (error) {
      deps.logger.warn({ err: error }, "ignored a malformed revocation message");
    }
  });
  // Revocations published while pub/sub was down never arrive (the publisher could not send them either):
  // everything is read from the database again, once per entry, single-flight as usual.
  const stopCatchingUp = deps.cache.onCoherenceRegained(() => forgetAll());

  async function load(sessionId: string): Promise<SessionState | null> {
    const startedIn = generation;
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
    if (startedIn === generation) sessions.set(sessionId, state);
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

  async function loadMembership(key: string, userId: string, companyId: string): Promise<MembershipState> {
    const startedIn = generation;
    const row = await deps.prisma.membership.findUnique({
      where: { userId_companyId: { userId, companyId } },
      select: { role: true, status: true, roleSince: true },
    });
    const state = row?.status === "ACTIVE" ? { role: row.role, roleSince: row.roleSince.getTime() } : { role: null, roleSince: 0 };
    // A change message that arrived while this read was in flight is newer than what it read.
    if (startedIn === generation && !memberships.has(key)) memberships.set(key, state);
    return memberships.get(key) ?? state;
  }

  function membershipOf(userId: string, companyId: string): MembershipState | Promise<MembershipState> {
    const key = membershipKey(userId, companyId);
    const known = memberships.get(key);
    if (known) return known;
    let pending = loadingMemberships.get(key);
    if (!pending) {
      pending = loadMembership(key, userId, companyId).finally(() => loadingMemberships.delete(key));
      loadingMemberships.set(key, pending);
    }
    return pending;
  }

  async function loadPlan(companyId: string): Promise<PlanState> {
    const startedIn = generation;
    const row = await deps.prisma.subscription.findUnique({ where: { companyId }, select: { tier: true, planChangedAt: true } });
    const state = row ? { tier: row.tier, since: row.planChangedAt.getTime() } : { tier: "FREE", since: 0 };
    // As for memberships: a change message that arrived during the read wins.
    if (startedIn === generation && !plans.has(companyId)) plans.set(companyId, state);
    return plans.get(companyId) ?? state;
  }

  function planOf(companyId: string): PlanState | Promise<PlanState> {
    const known = plans.get(companyId);
    if (known) return known;
    let pending = loadingPlans.get(companyId);
    if (!pending) {
      pending = loadPlan(companyId).finally(() => loadingPlans.delete(companyId));
      loadingPlans.set(companyId, pending);
    }
    return pending;
  }

  function sessionAllows(token: GuardedToken, state: SessionState): boolean {
    if (state.revoked || state.userId !== token.userId || state.absoluteExpiresAt <= clock()) return false;
    return token.issuedAt * 1000 >= Math.max(state.userNotBefore, notBefore.get(token.userId) ?? 0);
  }

  function grantAllows(token: GuardedToken, membership: MembershipState, plan: PlanState): boolean {
    const issuedAtMs = token.issuedAt * 1000;
    // Whole seconds, like `iat`: a token issued in the same second as the grant stays valid.
    if (membership.role !== token.role || issuedAtMs < Math.floor(membership.roleSince / 1000) * 1000) return false;
    return plan.tier === token.tier && issuedAtMs >= Math.floor(plan.since / 1000) * 1000;
  }

  async function readAndCheck(token: GuardedToken): Promise<boolean> {
    const state = await stateOf(token.sessionId);
    if (!state || !sessionAllows(token, state)) return false;
    // Both are map lookups once known; read together when neither is.
    const [membership, plan] = await Promise.all([membershipOf(token.userId, token.companyId), planOf(token.companyId)]);
    return grantAllows(token, membership, plan);
  }

  async function publish(message: RevocationMessage) {
    apply(message);
    await deps.cache.publish(revocationChannel, JSON.stringify(message));
  }

  return {
    /**
     * True when the token may still be used: its session is alive, it is not older than the user's marker,
     * the user still holds the token's role in the token's company (granted no later than its issue), and the
     * company's subscription still has the token's tier and has not changed since the token was issued.
     */
    isActive(token: GuardedToken): boolean | Promise<boolean> {
      const state = sessions.get(token.sessionId);
      const membership = memberships.get(membershipKey(token.userId, token.companyId));
      const plan = plans.get(token.companyId);
      // Decided at once when all three are known, as on nearly every request; read what is missing otherwise.
      if (state && membership && plan) return sessionAllows(token, state) && grantAllows(token, membership, plan);
      return readAndCheck(token);
    },
    /** Call after the sessions were marked revoked in the database. */
    sessionsRevoked(sessionIds: string[]): Promise<void> {
      return sessionIds.length ? publish({ type: "sessions-revoked", sessionIds }) : Promise.resolve();
    },
    /** Call after the user's `notBefore` was moved in the database. */
    userNotBeforeMoved(userId: string, at: Date): Promise<void> {
      return publish({ type: "user-not-before", userId, notBefore: at.getTime() });
    },
    /** Call after the user's membership in the company was written (`role: null` when it ended). */
    membershipChanged(userId: string, companyId: string, role: string | null, roleSince: Date): Promise<void> {
      return publish({ type: "membership-changed", userId, companyId, role, roleSince: roleSince.getTime() });
    },
    /** Call after the company's subscription was written (`at` is its new `planChangedAt`). */
    planChanged(companyId: string, tier: string, at: Date): Promise<void> {
      return publish({ type: "plan-changed", companyId, tier, since: at.getTime() });
    },
    /** What each of its tables holds, for /metrics. */
    footprints(): Record<"sessions" | "not_before" | "memberships" | "plans", CacheFootprint> {
      return { sessions: lruFootprint(sessions), not_before: lruFootprint(notBefore), memberships: lruFootprint(memberships), plans: lruFootprint(plans) };
    },
    close() {
      unsubscribe();
      stopCatchingUp();
    },
  };
}

export type SessionGuard = ReturnType<typeof createSessionGuard>;

function membershipKey(userId: string, companyId: string): string {
  return `${userId}:${companyId}`;
}
