import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import type { UserStatus } from "../../generated/prisma/enums.js";
import { activeMembershipOf, activeMembershipQuery, type ActiveMembership, type ActiveMembershipRow } from "../companies/companies.service.js";
import { auditInsertQuery, type ClientInfo } from "../security/audit.service.js";

/** A presented refresh token with its session and user, as a rotation checks them. */
export interface PresentedToken {
  id: string;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  session: {
    id: string;
    userId: string;
    activeCompanyId: string | null;
    revokedAt: Date | null;
    idleExpiresAt: Date;
    absoluteExpiresAt: Date;
    authenticatedAt: Date;
    authMethods: string[];
  };
  userStatus: UserStatus;
}

/** The token with this hash, its session and its user's status, in one statement; null when unknown. */
export async function findPresentedToken(prisma: PrismaClient, tokenHash: string): Promise<PresentedToken | null> {
  const [row] = await prisma.$queryRaw<
    {
      id: string;
      family_id: string;
      expires_at: Date;
      used_at: Date | null;
      session_id: string;
      user_id: string;
      active_company_id: string | null;
      revoked_at: Date | null;
      idle_expires_at: Date;
      absolute_expires_at: Date;
      authenticated_at: Date;
      auth_methods: string[];
      user_status: UserStatus;
    }[]
  >`/* prepared */
    SELECT t."id", t."family_id", t."expires_at", t."used_at", s."id" AS "session_id", s."user_id", s."active_company_id", s."revoked_at",
      s."idle_expires_at", s."absolute_expires_at", s."authenticated_at", s."auth_methods", u."status"::text AS "user_status"
    FROM "refresh_tokens" t
    JOIN "sessions" s ON s."id" = t."session_id"
    JOIN "users" u ON u."id" = s."user_id"
    WHERE t."token_hash" = ${tokenHash}`;
  if (!row) return null;
  return {
    id: row.id,
    familyId: row.family_id,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    session: {
      id: row.session_id,
      userId: row.user_id,
      activeCompanyId: row.active_company_id,
      revokedAt: row.revoked_at,
      idleExpiresAt: row.idle_expires_at,
      absoluteExpiresAt: row.absolute_expires_at,
      authenticatedAt: row.authenticated_at,
      authMethods: row.auth_methods,
    },
    userStatus: row.user_status,
  };
}

export interface Rotation {
  presented: PresentedToken;
  /** Set the presented token's `usedAt` (only while unused) and rotate only if that succeeded; false inside the reuse grace window. */
  claim: boolean;
  at: Date;
  idleExpiresAt: Date;
  successor: { tokenHash: string; expiresAt: Date };
  client: ClientInfo;
}

/**
 * One statement, so one transaction: claims the presented token, extends the session's idle expiry, writes
 * the `session.refreshed` audit event and the successor token, and reads the membership the new access
 * token is for. `rotated` is false, and nothing is written, when the claim found the token used.
 */
export async function rotatePresentedToken(prisma: PrismaClient, rotation: Rotation): Promise<{ rotated: boolean; membership: ActiveMembership | null }> {
  const { presented, at, successor, client } = rotation;
  const { session } = presented;
  const claim = rotation.claim
    ? Prisma.sql`UPDATE "refresh_tokens" SET "used_at" = ${at} WHERE "id" = ${presented.id}::uuid AND "used_at" IS NULL RETURNING "id"`
    : Prisma.sql`SELECT ${presented.id}::uuid AS "id"`;
  const audit = auditInsertQuery({
    action: "session.refreshed",
    actorId: session.userId,
    companyId: session.activeCompanyId,
    targetType: "session",
    targetId: session.id,
    client,
  });
  const [row] = await prisma.$queryRaw<({ rotated: boolean } & ActiveMembershipRow)[]>`/* prepared */
    WITH "claimed" AS (${claim}),
    "touched" AS (
      UPDATE "sessions" SET "last_used_at" = ${at}, "idle_expires_at" = ${rotation.idleExpiresAt}
      WHERE "id" = ${session.id}::uuid AND EXISTS (SELECT 1 FROM "claimed")
    ),
    "audited" AS (${audit} WHERE EXISTS (SELECT 1 FROM "claimed")),
    "issued" AS (
      INSERT INTO "refresh_tokens" ("id", "session_id", "user_id", "token_hash", "family_id", "parent_id", "expires_at", "created_at")
      SELECT ${randomUUID()}::uuid, ${session.id}::uuid, ${session.userId}::uuid, ${successor.tokenHash}, ${presented.familyId}::uuid,
        ${presented.id}::uuid, ${successor.expiresAt}, ${at}
      WHERE EXISTS (SELECT 1 FROM "claimed")
    )
    SELECT EXISTS (SELECT 1 FROM "claimed") AS "rotated", m.*
    FROM (SELECT 1) AS "one" LEFT JOIN (${activeMembershipQuery(session.userId, session.activeCompanyId)}) AS m ON true`;
  return { rotated: row?.rotated ?? false, membership: activeMembershipOf(row) };
}
