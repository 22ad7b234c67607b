import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { AppDeps } from "./deps.js";
import { createHealthFigures } from "./health-figures.js";

/**
 * The management port's server: Prometheus metrics and the detailed health, kept off the public port.
 * Listening and closing are the caller's (src/main.ts, or the test support on an ephemeral port).
 */
export async function createManagementServer(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: "management" }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  const detailedHealth = createHealthFigures(deps);

  app.get("/metrics", async (_request, reply) => reply.header("content-type", deps.metrics.contentType).send(await deps.metrics.exposition()));
  app.get("/health", async (_request, reply) => {
    const health = await detailedHealth();
    return reply.code(health.degraded.length ? 503 : 200).send(health);
  });
  app.get("/health/live", async () => ({ status: "ok" }));
  return app;
}

/** Starts the management server on MANAGEMENT_HOST:MANAGEMENT_PORT; null when MANAGEMENT_PORT is 0. */
export async function listenManagementServer(deps: AppDeps): Promise<FastifyInstance | null> {
  const { management } = deps.config;
  if (!management.enabled) return null;
  const app = await createManagementServer(deps);
  await app.listen({ host: management.host, port: management.port });
  return app;
}
