import type { Prisma } from "../../generated/prisma/client.js";

/**
 * Lets the statements of one transaction run for up to `timeoutMs` each instead of
 * DATABASE_STATEMENT_TIMEOUT_MS, for a job whose set-based statements may legitimately take longer.
 */
export async function allowSlowStatements(tx: Prisma.TransactionClient, timeoutMs: number): Promise<void> {
  await tx.$queryRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true)`;
}
