/** What the driver adapter reports (Prisma's `meta.driverAdapterError.cause`) when the server could not be used. */
const unreachableKinds = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

// SQLSTATE: 57014 statement timeout (nothing else here cancels), 57P01–57P03 shutdown / crash / starting up, 53300 too many connections.
const unavailableStates = new Set(["57014", "57P01", "57P02", "57P03", "53300"]);

// Prisma's own codes: can't reach, timed out, operations timed out, server closed the connection, pool timeout.
const unavailablePrismaCodes = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

// pg and pg-pool raise plain Errors, without a code, for a connection that fails or never comes.
const driverMessages = [
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
  "Connection terminated unexpectedly",
  "Client has encountered a connection error and is not queryable",
  "Query read timeout",
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown; code?: unknown } } };
}

/**
 * Whether `error` says PostgreSQL was unreachable, shutting down, out of connections, or too slow
 * (connect or statement timeout): an outage to answer as SERVICE_UNAVAILABLE, not a bug of ours.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error as ErrorLike | undefined, depth = 0; current && typeof current === "object" && depth < 5; current = current.cause as ErrorLike, depth++) {
    const adapterCause = current.meta?.driverAdapterError?.cause;
    if (adapterCause && (unreachableKinds.has(String(adapterCause.kind)) || unavailableStates.has(String(adapterCause.originalCode ?? adapterCause.code)))) return true;
    if (typeof current.code === "string" && (unavailablePrismaCodes.has(current.code) || unavailableStates.has(current.code) || current.code === "ECONNREFUSED")) return true;
    if (typeof current.message === "string" && driverMessages.includes(current.message)) return true;
  }
  return false;
}
