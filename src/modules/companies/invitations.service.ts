import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { InvitationStatus } from "../../generated/prisma/enums.js";
import { randomToken, sha256Hex } from "../../platform/crypto.js";
import { lockFor } from "../../platform/db/locks.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { isUuid } from "../../platform/ids.js";
import type { Logger } from "../../platform/logger.js";
import { hasRoleAtLeast, type Role } from "../../permissions/roles.js";
import { recordAudit, type Actor } from "../security/audit.service.js";
import { requireFreeSeat, type BillingConfig } from "../subscriptions/seats.js";
import { normalizeEmail } from "../users/users.service.js";
import type { CompaniesDeps } from "./companies.deps.js";
import { membershipChanged } from "./memberships.service.js";

export const invitationSelect = {
  id: true,
  companyId: true,
  email: true,
  role: true,
  status: true,
  expiresAt: true,
  invitedById: true,
  createdAt: true,
} as const satisfies Prisma.InvitationSelect;

export type InvitationRecord = Prisma.InvitationGetPayload<{ select: typeof invitationSelect }>;

const emailMaxLength = 254;

/** EXPIRED for a pending invitation past its expiry, whatever the row still says. */
export function effectiveStatus(invitation: { status: InvitationStatus; expiresAt: Date }, at = new Date()): InvitationStatus {
  return invitation.status === "PENDING" && invitation.expiresAt <= at ? "EXPIRED" : invitation.status;
}

function asView(invitation: InvitationRecord, at = new Date()): InvitationRecord {
  return { ...invitation, status: effectiveStatus(invitation, at) };
}

function acceptUrl(base: string, code: string): string {
  const url = new URL(base);
  url.searchParams.set("code", code);
  return url.toString();
}

/**
 * Invites an email to the company with a role below the inviter's. A pending invitation of the same email
 * is replaced; the code is returned once (and mailed) and only its hash is stored.
 */
export async function inviteUser(
  deps: CompaniesDeps & { logger: Logger },
  actor: Actor,
  companyId: string,
  input: { email: string; role: Role },
): Promise<{ invitation: InvitationRecord; code: string; mailed: boolean }> {
  const email = normalizeEmail(input.email);
  if (email.length > emailMaxLength) throw new DomainError(ErrorCode.TOO_LONG, "The email address is too long", ["input", "email"]);
  const code = randomToken(32);
  const at = new Date((deps.clock ?? Date.now)());
  const { invitation, companyName } = await deps.prisma.$transaction(async (tx) => {
    await lockFor(tx, `invitation:${companyId}:${email}`);
    const inviter = await tx.membership.findUnique({
      where: { userId_companyId: { userId: actor.userId, companyId } },
      select: { role: true, status: true, company: { select: { type: true, name: true } } },
    });
    if (inviter?.status !== "ACTIVE") throw new DomainError(ErrorCode.FORBIDDEN, "You are not a member of this company");
    if (inviter.company.type === "INDIVIDUAL") {
      throw new DomainError(ErrorCode.INDIVIDUAL_COMPANY, "An individual workspace has no other members; create a company first");
    }
    if (hasRoleAtLeast(input.role, inviter.role)) {
      throw new DomainError(ErrorCode.ROLE_NOT_BELOW_YOURS, "You can only invite people with a role below your own", ["input", "role"]);
    }
    const existing = await tx.membership.findFirst({ where: { companyId, status: "ACTIVE", user: { email } }, select: { id: true } });
    if (existing) throw new DomainError(ErrorCode.ALREADY_MEMBER, "That person is already a member of this company", ["input", "email"]);
    // Pending invitations hold seats, so invitations of different emails take turns too.
    await lockFor(tx, `company-members:${companyId}`);
    await requireFreeSeat(tx, deps.config.billing, companyId, { email, at });
    await tx.invitation.updateMany({ where: { companyId, email, status: "PENDING", expiresAt: { lte: at } }, data: { status: "EXPIRED" } });
    const replaced = await tx.invitation.updateMany({ where: { companyId, email, status: "PENDING" }, data: { status: "REVOKED" } });
    const invitation = await tx.invitation.create({
      data: {
        companyId,
        email,
        role: input.role,
        codeHash: sha256Hex(code),
        invitedById: actor.userId,
        expiresAt: new Date(at.getTime() + deps.config.invitations.ttlSeconds * 1000),
        createdAt: at,
      },
      select: invitationSelect,
    });
    await recordAudit(tx, {
      action: "invitation.created",
      actorId: actor.userId,
      companyId,
      targetType: "invitation",
      targetId: invitation.id,
      metadata: { email, role: input.role, replaced: replaced.count },
      client: actor,
    });
    return { invitation, companyName: inviter.company.name };
  });
  const mailed = await deps.mailer
    .send({
      to: email,
      subject: `You are invited to join ${companyName}`,
      text: [
        `You have been invited to join ${companyName} as ${input.role}.`,
        "",
        `Accept the invitation: ${acceptUrl(deps.config.invitations.acceptUrl, code)}`,
        `or sign in and enter this code: ${code}`,
        "",
        `The invitation expires on ${invitation.expiresAt.toUTCString()}.`,
      ].join("\n"),
    })
    .then(
      () => true,
      (error: unknown) => {
        deps.logger.warn({ err: error, invitationId: invitation.id }, "invitation mail could not be sent");
        return false;
      },
    );
  return { invitation, code, mailed };
}

type Tx = Prisma.TransactionClient;

/**
 * Uses up a pending invitation for `email` inside the caller's transaction and returns what it grants.
 * Distinct codes say why a code cannot be used; of two concurrent claims exactly one succeeds.
 */
export async function claimInvitation(tx: Tx, code: string, email: string, userId: string, at: Date): Promise<{ invitationId: string; companyId: string; role: Role }> {
  const field = ["code"];
  const found = code && code.length <= 128
    ? await tx.invitation.findUnique({ where: { codeHash: sha256Hex(code) }, select: { id: true, email: true, status: true, expiresAt: true, companyId: true, role: true } })
    : null;
  if (!found) throw new DomainError(ErrorCode.INVALID_INVITATION, "The invitation code is not valid", field);
  const status = effectiveStatus(found, at);
  if (status === "REVOKED") throw new DomainError(ErrorCode.INVITATION_REVOKED, "This invitation was withdrawn", field);
  if (status === "ACCEPTED") throw new DomainError(ErrorCode.INVITATION_USED, "This invitation has already been used", field);
  if (status === "EXPIRED") throw new DomainError(ErrorCode.INVITATION_EXPIRED, "This invitation has expired; ask for a new one", field);
  if (found.email !== email) {
    throw new DomainError(ErrorCode.INVITATION_EMAIL_MISMATCH, "This invitation was sent to another email address", field);
  }
  const claimed = await tx.invitation.updateMany({
    where: { id: found.id, status: "PENDING", expiresAt: { gt: at } },
    data: { status: "ACCEPTED", acceptedAt: at, acceptedById: userId },
  });
  if (claimed.count === 0) throw new DomainError(ErrorCode.INVITATION_USED, "This invitation has already been used", field);
  return { invitationId: found.id, companyId: found.companyId, role: found.role };
}

/**
 * Makes the user an active member with `role` (turning a pending domain join into one); ALREADY_MEMBER if active,
 * SEAT_LIMIT_REACHED when the plan has no free seat.
 */
export async function grantMembership(tx: Tx, billing: BillingConfig, userId: string, companyId: string, role: Role, at: Date): Promise<void> {
  await lockFor(tx, `company-members:${companyId}`);
  const existing = await tx.membership.findUnique({ where: { userId_companyId: { userId, companyId } }, select: { id: true, status: true } });
  if (existing?.status === "ACTIVE") throw new DomainError(ErrorCode.ALREADY_MEMBER, "You are already a member of this company");
  await requireFreeSeat(tx, billing, companyId);
  if (existing) await tx.membership.update({ where: { id: existing.id }, data: { status: "ACTIVE", role, roleSince: at } });
  else await tx.membership.create({ data: { userId, companyId, role, roleSince: at } });
}

/** The signed-in invitee joins the company with the invited role. */
export async function acceptInvitation(deps: CompaniesDeps, actor: Actor & { email: string }, code: string): Promise<string> {
  const at = new Date((deps.clock ?? Date.now)());
  const granted = await deps.prisma.$transaction(async (tx) => {
    const claim = await claimInvitation(tx, code, actor.email, actor.userId, at);
    await grantMembership(tx, deps.config.billing, actor.userId, claim.companyId, claim.role, at);
    await recordAudit(tx, {
      action: "invitation.accepted",
      actorId: actor.userId,
      companyId: claim.companyId,
      targetType: "invitation",
      targetId: claim.invitationId,
      metadata: { role: claim.role },
      client: actor,
    });
    return claim;
  });
  await membershipChanged(deps, actor.userId, granted.companyId, granted.role, at);
  return granted.companyId;
}

/** Withdraws a pending invitation for a role below the caller's; its code stops working. */
export async function revokeInvitation(deps: { prisma: PrismaClient }, actor: Actor, invitationId: string): Promise<void> {
  const notPending = () => new DomainError(ErrorCode.NOT_FOUND, "No pending invitation with this id", ["id"]);
  if (!isUuid(invitationId)) throw notPending();
  await deps.prisma.$transaction(async (tx) => {
    const found = await tx.invitation.findUnique({ where: { id: invitationId }, select: { companyId: true, role: true } });
    if (!found) throw notPending();
    const revoker = await tx.membership.findUnique({
      where: { userId_companyId: { userId: actor.userId, companyId: found.companyId } },
      select: { role: true, status: true },
    });
    if (revoker?.status !== "ACTIVE") throw new DomainError(ErrorCode.FORBIDDEN, "You are not a member of this company");
    if (hasRoleAtLeast(found.role, revoker.role)) {
      throw new DomainError(ErrorCode.ROLE_NOT_BELOW_YOURS, "You can only withdraw invitations for roles below your own", ["id"]);
    }
    const revoked = await tx.invitation.updateManyAndReturn({
      where: { id: invitationId, status: "PENDING" },
      data: { status: "REVOKED" },
      select: { id: true, companyId: true, email: true },
    });
    const invitation = revoked[0];
    if (!invitation) throw notPending();
    await recordAudit(tx, {
      action: "invitation.revoked",
      actorId: actor.userId,
      companyId: invitation.companyId,
      targetType: "invitation",
      targetId: invitation.id,
      metadata: { email: invitation.email },
      client: actor,
    });
  });
}

/** The company's invitations, newest first, optionally of one status (EXPIRED includes pending ones past expiry). */
export async function listInvitations(deps: { prisma: PrismaClient }, companyId: string, status?: InvitationStatus | null): Promise<InvitationRecord[]> {
  const at = new Date();
  const byStatus: Record<InvitationStatus, Prisma.InvitationWhereInput> = {
    PENDING: { status: "PENDING", expiresAt: { gt: at } },
    EXPIRED: { OR: [{ status: "EXPIRED" }, { status: "PENDING", expiresAt: { lte: at } }] },
    ACCEPTED: { status: "ACCEPTED" },
    REVOKED: { status: "REVOKED" },
  };
  const rows = await deps.prisma.invitation.findMany({
    where: { companyId, ...(status ? byStatus[status] : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
    select: invitationSelect,
  });
  return rows.map((row) => asView(row, at));
}

/** The company each invitation belongs to (for access rules), in the order asked. */
export async function findInvitationCompanies(deps: { prisma: PrismaClient }, ids: readonly string[]): Promise<(string | null)[]> {
  const wanted = ids.filter(isUuid).map((id) => id.toLowerCase());
  const rows = wanted.length ? await deps.prisma.invitation.findMany({ where: { id: { in: wanted } }, select: { id: true, companyId: true } }) : [];
  const byId = new Map(rows.map((row) => [row.id, row.companyId]));
  return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
}
