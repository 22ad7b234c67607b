import { SpanKind, trace } from "@opentelemetry/api";
import { ATTR_DB_COLLECTION_NAME, ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME } from "@opentelemetry/semantic-conventions";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { endWhenSettled, tracer } from "./spans.js";

/**
 * The client with a span around every Prisma operation made within a request or job run, raw SQL included
 * (`db.operation.name` `$queryRaw`); background polling outside any span stays out of the traces.
 */
export function traceQueries(prisma: PrismaClient): PrismaClient {
  const traced = prisma.$extends({
    query: {
      $allOperations({ model, operation, args, query }) {
        if (!trace.getActiveSpan()) return query(args);
        const name = model ? `prisma ${model}.${operation}` : `prisma ${operation}`;
        const attributes = { [ATTR_DB_SYSTEM_NAME]: "postgresql", [ATTR_DB_OPERATION_NAME]: operation, ...(model ? { [ATTR_DB_COLLECTION_NAME]: model } : {}) };
        return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, (span) => endWhenSettled(span, () => query(args)));
      },
    },
  });
  // The extended client answers every method of the base one; only its static type differs.
  return traced as unknown as PrismaClient;
}
