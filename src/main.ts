import "./platform/heap-settings.js";
import "reflect-metadata";
import { loadConfig } from "./config.js";
import { closeDependencies, openDependencies } from "./deps.js";
import { gracefulShutdown } from "./platform/graceful-shutdown.js";
import { chooseLogFormat, createLogger } from "./platform/logger.js";
import { startTelemetry } from "./platform/telemetry.js";
import { listenManagementServer } from "./management-server.js";
import { createServer } from "./server.js";

const config = loadConfig();
const logFormat = chooseLogFormat({ env: config.env, requested: config.log.format, stdoutIsTty: process.stdout.isTTY === true });
const logger = createLogger({ level: config.log.level, format: logFormat });
const telemetry = await startTelemetry(config.telemetry, logger);

const deps = await openDependencies(config, logger);
const app = await createServer(deps);
await app.listen({ host: config.http.host, port: config.http.port });
const management = await listenManagementServer(deps);

const shutdown = gracefulShutdown({
  logger,
  startDraining: () => deps.draining.begin(),
  drainDelayMs: config.http.shutdownDrainDelayMs,
  timeoutMs: config.http.shutdownTimeoutMs,
  steps: [
    { name: "http server", close: () => app.close() },
    { name: "management server", close: async () => management?.close() },
    { name: "dependencies", close: () => closeDependencies(deps) },
    { name: "telemetry", close: () => telemetry.shutdown() },
  ],
  exit: (code) => process.exit(code),
});
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
