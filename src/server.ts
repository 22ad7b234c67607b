import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { createRequestContext, type RequestContext } from "./context.js";
import type { AppDeps } from "./deps.js";
import { checkHealth } from "./health.js";
import { deferredChildLogger } from "./platform/deferred-logger.js";
import { graphqlArmor } from "./platform/graphql-armor.js";
import { retryAfterPlugin } from "./platform/graphql-rate-limit.js";
import { formatError, unexpectedErrorPlugin } from "./platform/graphql-errors.js";
import { scopeRequests } from "./platform/request-scope.js";
import { federatedTracePlugin } from "./platform/tracing/federated-trace.js";
import { traceGraphql } from "./platform/tracing/graphql-spans.js";
import { jwksCacheControl } from "./platform/tokens/index.js";
import { internalRoutes } from "./modules/rest/internal.routes.js";
import { restRoutes } from "./modules/rest/rest.routes.js";
import { graphqlPlayground } from "./playground/playground.routes.js";
import { createSchema } from "./schema.js";

const correlationIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The HTTP server: /graphql, health, JWKS. Listening and shutdown are the caller's (src/main.ts). */
export async function createServer(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustedProxies.length ? config.http.trustedProxies : false,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: "correlationId", disableRequestLogging: true }),
    childLoggerFactory: deferredChildLogger,
    genReqId: (request) => {
      const given = request.headers["x-correlation-id"];
      return typeof given === "string" && correlationIdPattern.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
  });

  // Hooks on every request take Fastify's callback form: an async hook costs a promise and a tick per request.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-correlation-id", request.id);
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (deps.draining.active) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", deps.metrics.recordHttpResponse);
  scopeRequests(app, { tracing: config.telemetry.enabled });
  app.addHook("onResponse", (request, reply, done) => {
    const drainingReadiness = deps.draining.active && request.routeOptions.url === "/health/ready";
    // 503 is an outage of a dependency (the database) or a drain, not a bug of ours: visible, below error.
    const level = reply.statusCode === 503 && !drainingReadiness ? "warn" : reply.statusCode >= 500 && !drainingReadiness ? "error" : reply.statusCode >= 400 ? "info" : "debug";
    if (level !== "debug" || deps.logger.isLevelEnabled("debug")) request.log[level]({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime }, "request completed");
    done();
  });

  const { schema } = await createSchema();
  const armor = graphqlArmor(config.graphql);
  const telemetryPlugins = config.telemetry.enabled ? [traceGraphql(schema)] : [];
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    formatError,
    logger: deps.logger,
    // The process's shutdown (src/main.ts) owns SIGTERM/SIGINT; Apollo's own handler would close the server before the drain.
    stopOnTerminationSignals: false,
    plugins: [fastifyApolloDrainPlugin(app), deps.metrics.graphqlPlugin, unexpectedErrorPlugin(), retryAfterPlugin(), federatedTracePlugin(config.graphql.federatedTracing), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ...armor.plugins, ...telemetryPlugins],
  });
  await apollo.start();

  const playground = graphqlPlayground({ enabled: config.graphql.playground });
  app.route({
    url: "/graphql",
    method: ["GET", "POST", "OPTIONS"],
    onRequest: playground.onGraphqlRequest,
    handler: fastifyApolloHandler(apollo, { context: (request) => createRequestContext(deps, request) }),
  });

  await app.register(playground.routes);
  await app.register(async (rest) => restRoutes(rest, deps));
  await app.register(async (internal) => internalRoutes(internal, deps));

  app.get("/health", async (_request, reply) => {
    const health = await checkHealth(deps);
    return reply.code(health.status === "healthy" ? 200 : 503).send(health);
  });
  app.get("/health/live", async () => ({ status: "ok" }));
  app.get("/health/ready", async (_request, reply) => {
    if (deps.draining.active) return reply.code(503).send({ status: "draining" });
    const database = await checkHealth(deps).then((health) => health.checks.database.status);
    return reply.code(database === "ok" ? 200 : 503).send({ status: database === "ok" ? "ready" : "not_ready" });
  });
  app.get("/.well-known/jwks.json", async (_request, reply) =>
    reply.header("cache-control", jwksCacheControl).send(deps.jwks()),
  );

  return app;
}
