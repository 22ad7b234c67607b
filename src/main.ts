import "reflect-metadata";
import { loadConfig } from "./config.js";
import { closeDependencies, openDependencies } from "./deps.js";
import { chooseLogFormat, createLogger } from "./platform/logger.js";
import { startTelemetry } from "./platform/telemetry.js";
import { createServer } from "./server.js";

const config = loadConfig();
const logFormat = chooseLogFormat({ env: config.env, requested: config.log.format, stdoutIsTty: process.stdout.isTTY === true });
const logger = createLogger({ level: config.log.level, format: logFormat });
const telemetry = startTelemetry(config.telemetry, logger);

const deps = await openDependencies(config, logger);
const app = await createServer(deps);
await app.listen({ host: config.http.host, port: config.http.port });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: finishing in-flight requests");
  const forced = setTimeout(() => {
    logger.error("shutdown timed out; exiting");
    process.exit(1);
  }, config.http.shutdownTimeoutMs);
  forced.unref();
  try {
    await app.close();
    await closeDependencies(deps);
    await telemetry.shutdown();
    logger.info("stopped");
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
