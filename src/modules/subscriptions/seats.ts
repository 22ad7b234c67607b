import type { Prisma } from "../../generated/prisma/client.js";
import type { Config } from "../../config.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { compareTiers, seatsOf } from "./tiers.js";

export type BillingConfig = Config["billing"];

/**
 * The seats a company may fill: its tier's, or the pending lower tier's when a downgrade is scheduled (so the
 * downgrade still fits when it takes effect).
 */
export async function seatLimitOf(tx: Prisma.TransactionClient, billing: BillingConfig, companyId: string): Promise<number> {
  const subscription = await tx.subscription.findUnique({ where: { companyId }, select: { tier: true, pendingTier: true, seatLimit: true } });
  if (!subscription) return seatsOf("FREE", null, billing.enterpriseSeatsDefault);
  const { tier, pendingTier, seatLimit } = subscription;
  const binding = pendingTier && compareTiers(pendingTier, tier) < 0 ? pendingTier : tier;
  return seatsOf(binding, seatLimit, billing.enterpriseSeatsDefault);
}

/**
 * Refuses with SEAT_LIMIT_REACHED when the company has no free seat for one more member. Active members count;
 * with `reserveFor`, so do pending invitations to other emails (an invitation reserves its seat until it is
 * accepted, revoked or expires). Call under the company's member lock.
 */
export async function requireFreeSeat(
  tx: Prisma.TransactionClient,
  billing: BillingConfig,
  companyId: string,
  reserveFor?: { email: string; at: Date },
): Promise<void> {
  const seats = await seatLimitOf(tx, billing, companyId);
  const members = await tx.membership.count({ where: { companyId, status: "ACTIVE" } });
  const invited = reserveFor
    ? await tx.invitation.count({ where: { companyId, status: "PENDING", expiresAt: { gt: reserveFor.at }, email: { not: reserveFor.email } } })
    : 0;
  if (members + invited >= seats) {
    const pending = reserveFor ? ` and ${invited} pending invitation${invited === 1 ? "" : "s"}` : "";
    throw new DomainError(
      ErrorCode.SEAT_LIMIT_REACHED,
      `All ${seats} seats of the company's plan are taken (${members} member${members === 1 ? "" : "s"}${pending}): upgrade the subscription or free a seat first`,
    );
  }
}
