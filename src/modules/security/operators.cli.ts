// `npm run operators -- grant|revoke <email or id>` and `npm run operators -- list`: the database flag of platform operators.
import { loadConfig } from "../../config.js";
import { openDatabase } from "../../platform/db/database.js";
import { createLogger } from "../../platform/logger.js";
import { listPlatformOperators, setPlatformOperator } from "./operators.service.js";

const [command, who] = process.argv.slice(2);
const usage = "usage: npm run operators -- grant <email or user id> | revoke <email or user id> | list";

if (!(command === "list" || ((command === "grant" || command === "revoke") && who))) {
  console.error(usage);
  process.exit(2);
}

const config = loadConfig();
const database = await openDatabase(config.database, { logger: createLogger({ level: "warn" }), migrate: true });
let exitCode = 0;
try {
  if (command === "list") {
    const operators = await listPlatformOperators(database.prisma);
    for (const operator of operators) console.log(`${operator.id}  ${operator.email}`);
    if (operators.length === 0) console.log("No operators are flagged in the database.");
    if (config.operators.userIds.length) console.log(`Also operators through PLATFORM_OPERATOR_IDS: ${config.operators.userIds.join(", ")}`);
  } else {
    const userId = await setPlatformOperator(database.prisma, who!, command === "grant");
    if (!userId) {
      console.error(`No user with the email or id "${who}".`);
      exitCode = 1;
    } else {
      console.log(`${command === "grant" ? "Granted" : "Withdrew"} platform operator rights: ${userId}. Takes effect on the user's next request.`);
    }
  }
} finally {
  await database.close();
}
process.exit(exitCode);
