// `npm run jobs:rollover`: ends the subscription periods that are over, once, against the configured database.
import { loadConfig } from "../../config.js";
import { runWithDependencies } from "../../deps.js";
import { createLogger } from "../../platform/logger.js";
import { runSubscriptionRollover } from "./rollover.js";

const config = loadConfig();
process.exit(
  await runWithDependencies(config, createLogger({ level: "warn" }), async (deps) => {
    const report = await runSubscriptionRollover(deps.services, config.billing.rollover);
    console.log(`Renewed ${report.renewed}, moved to FREE ${report.movedToFree}, past due ${report.pastDue}, expired ${report.expired}.`);
  }),
);
