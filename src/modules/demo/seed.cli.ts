// `npm run db:seed [-- --force]`: demo companies, users of every role, pending invitations and every tier, once.
import { loadConfig } from "../../config.js";
import { runWithDependencies } from "../../deps.js";
import { createLogger } from "../../platform/logger.js";
import { createDevelopmentPaymentProvider } from "../../platform/payments/development-payment-provider.js";
import { formatDemoCredentials } from "./demo-credentials.js";
import { seedDemoData } from "./demo-data.js";

const args = process.argv.slice(2);
if (args.some((arg) => arg !== "--force")) {
  console.error("usage: npm run db:seed [-- --force]");
  process.exit(2);
}

// Checked before loadConfig, so the refusal is what a production shell sees even when its other variables are missing.
if (process.env.NODE_ENV === "production" && !args.includes("--force")) {
  console.error("Refusing to seed demo accounts with NODE_ENV=production (they share one published password). Add -- --force if you really mean it.");
  process.exit(1);
}

const config = loadConfig();

const logger = createLogger({ level: "warn" });
process.exit(
  await runWithDependencies(
    config,
    logger,
    async (deps) => {
      const report = await seedDemoData(deps.services);
      console.log(formatDemoCredentials(report, `http://localhost:${config.http.port}/graphql`));
    },
    // Paid upgrades of the demo companies never reach a real payment provider.
    { payments: createDevelopmentPaymentProvider(logger) },
  ),
);
