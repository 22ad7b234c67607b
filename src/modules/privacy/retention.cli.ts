// `npm run jobs:retention`: one run of the data-retention job against the configured database.
import { loadConfig } from "../../config.js";
import { openDatabase } from "../../platform/db/database.js";
import { createLogger } from "../../platform/logger.js";
import { runRetention } from "./retention.service.js";

const config = loadConfig();
const database = await openDatabase(config.database, { logger: createLogger({ level: "warn" }), migrate: true });
try {
  const result = await runRetention({ prisma: database.prisma, config });
  if (result.ran) {
    console.log(`Deleted ${result.loginAttempts} login attempts and ${result.securityEvents} security events past their retention.`);
  } else {
    console.log("Another replica is running the retention job right now; nothing done.");
  }
} finally {
  await database.close();
}
