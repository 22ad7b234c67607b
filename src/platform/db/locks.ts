import type { Prisma } from "../../generated/prisma/client.js";

/**
 * Holds a transaction-scoped PostgreSQL advisory lock on `key` until the transaction ends, so writers of
 * the same thing (one company's memberships, one invited email) on any replica take turns.
 */
export async function lockFor(tx: Prisma.TransactionClient, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

/**
 * Takes the same transaction-scoped lock as `lockFor` only if it is free; false when another
 * transaction holds it, so a job every replica runs can skip a round instead of queueing behind it.
 */
export async function tryLockFor(tx: Prisma.TransactionClient, key: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) AS locked`;
  return row?.locked === true;
}
