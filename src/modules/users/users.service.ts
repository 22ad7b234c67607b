import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { distinctUuids, inRequestedOrder } from "../../platform/ids";

/** The columns the API may show; the password hash and security counters never leave the service. */
export const userSelect = {
  id: true,
  email: true,
  fullName: true,
  status: true,
  verificationStatus: true,
  registrationType: true,
  investmentProfile: true,
  riskTolerance: true,
  createdAt: true,
  lastLoginAt: true,
} as const satisfies Prisma.UserSelect;

export type UserRecord = Prisma.UserGetPayload<{ select: typeof userSelect }>;

export interface UsersDeps {
  prisma: PrismaClient;
}

/** Loads users by id in one query, in the order asked; unknown or deleted ids give null. */
export async function findUsersByIds(deps: UsersDeps, ids: readonly string[]): Promise<(UserRecord | null)[]> {
  const wanted = distinctUuids(ids);
  const rows = wanted.length
    ? await deps.prisma.user.findMany({ where: { id: { in: wanted }, deletedAt: null }, select: userSelect })
    : [];
  return inRequestedOrder(ids, rows);
}
