import type { Prisma } from "../../generated/prisma/client";

/**
 * Holds a transaction-scoped PostgreSQL advisory lock on `key` until the transaction ends, so writers of
 * the same thing (one company's memberships, one invited email) on any replica take turns.
 */
export async function lockFor(tx: Prisma.TransactionClient, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
