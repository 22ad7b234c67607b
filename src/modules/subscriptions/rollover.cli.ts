// `npm run jobs:rollover`: ends the subscription periods that are over, once, against the configured database.
import { loadConfig } from "../../config.js";
import { closeDependencies, openDependencies } from "../../deps.js";
import { createLogger } from "../../platform/logger.js";
import { runSubscriptionRollover } from "./rollover.js";

const config = loadConfig();
const deps = await openDependencies(config, createLogger({ level: "warn" }));
let exitCode = 0;
try {
  const report = await runSubscriptionRollover(deps.services, config.billing.rollover);
  console.log(`Renewed ${report.renewed}, moved to FREE ${report.movedToFree}, past due ${report.pastDue}, expired ${report.expired}.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await closeDependencies(deps);
}
process.exit(exitCode);
