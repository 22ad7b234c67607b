import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { isUuid } from "../../platform/ids.js";

/** Where a request comes from, recorded on sessions, login attempts and audit events. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  correlationId?: string;
}

/** Who does something, and from where. */
export interface Actor extends ClientInfo {
  userId: string;
}

/** A signed-in actor: their session, and when they last proved who they are in it (unix seconds). */
export interface SessionActor extends Actor {
  sessionId: string;
  authTime: number;
  /** How they proved it (`pwd`, `otp`, `email`, `sso`). */
  amr: readonly string[];
}

export interface AuditInput {
  action: string;
  actorId: string | null;
  companyId?: string | null;
  targetType: string;
  targetId?: string | null;
  /** Never a secret: no tokens, codes, passwords or hashes. */
  metadata?: Prisma.InputJsonValue;
  client: ClientInfo;
}

/** A client or an interactive transaction: audit events are written with the change they describe. */
type Db = Pick<PrismaClient, "auditEvent">;

/** Appends one audit event; pass the transaction of the change so both commit or neither does. */
export async function recordAudit(db: Db, event: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      action: event.action,
      actorId: event.actorId,
      companyId: event.companyId ?? null,
      targetType: event.targetType,
      targetId: event.targetId ?? null,
      metadata: event.metadata,
      ip: event.client.ip,
      userAgent: event.client.userAgent?.slice(0, 512) ?? null,
      correlationId: event.client.correlationId ?? null,
    },
    select: { id: true },
  });
}

/**
 * `recordAudit` as an `INSERT … SELECT` of one row, for a statement that writes the change with it; the
 * caller may add a WHERE so the event is written only when the change is.
 */
export function auditInsertQuery(event: AuditInput): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "audit_events" ("id", "action", "actor_id", "company_id", "target_type", "target_id", "metadata", "ip", "user_agent", "correlation_id")
    SELECT ${randomUUID()}::uuid, ${event.action}, ${event.actorId}::uuid, ${event.companyId ?? null}::uuid, ${event.targetType}, ${event.targetId ?? null},
      ${event.metadata === undefined ? null : JSON.stringify(event.metadata)}::jsonb, ${event.client.ip}, ${event.client.userAgent?.slice(0, 512) ?? null},
      ${event.client.correlationId ?? null}`;
}

export const auditEventSelect = {
  id: true,
  companyId: true,
  actorId: true,
  action: true,
  targetType: true,
  targetId: true,
  metadata: true,
  ip: true,
  userAgent: true,
  correlationId: true,
  createdAt: true,
} as const satisfies Prisma.AuditEventSelect;

export type AuditEventRecord = Prisma.AuditEventGetPayload<{ select: typeof auditEventSelect }>;

export const pageSizeLimit = 100;

/** Checks a page size argument (1–100). */
export function pageSize(first: number, field = ["first"]): number {
  if (!Number.isInteger(first) || first < 1 || first > pageSizeLimit) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, `first must be between 1 and ${pageSizeLimit}`, field);
  }
  return first;
}

/** A company's audit events, newest first: `first` of them, after the event whose id is `after`. */
export async function listAuditEvents(
  deps: { prisma: PrismaClient },
  companyId: string,
  page: { first: number; after?: string | null },
): Promise<AuditEventRecord[]> {
  const take = pageSize(page.first);
  let after: { id: string; createdAt: Date } | null = null;
  if (page.after) {
    after = isUuid(page.after)
      ? await deps.prisma.auditEvent.findFirst({ where: { id: page.after.toLowerCase(), companyId }, select: { id: true, createdAt: true } })
      : null;
    if (!after) throw new DomainError(ErrorCode.BAD_USER_INPUT, "after must be the id of an event in this company's log", ["after"]);
  }
  return deps.prisma.auditEvent.findMany({
    where: {
      companyId,
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: auditEventSelect,
  });
}
