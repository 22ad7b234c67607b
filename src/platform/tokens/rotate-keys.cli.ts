// `npm run keys:rotate [-- --withdraw=<kid> | --list]`: changes the shared signing keys in the configured database and tells running replicas. Prints kids only.
import { parseArgs } from "node:util";
import { loadConfig } from "../../config.js";
import { createCache } from "../cache/cache.js";
import { openDatabase } from "../db/database.js";
import { createLogger } from "../logger.js";
import { createSecretBox, loadSecretBoxKey } from "../secret-box.js";
import { databaseKeyStore } from "./database-key-store.js";
import { createKeyRing } from "./key-ring.js";
import { announceSigningKeysChanged, rotateSigningKey, withdrawSigningKey } from "./key-rotation.js";

// A kid is base64url and may start with "-", which a separate argument would read as an option: hence --withdraw=<kid>.
const usage = "Usage: npm run keys:rotate [-- --withdraw=<kid> | --list]";
let args;
try {
  args = parseArgs({ options: { withdraw: { type: "string" }, list: { type: "boolean" } }, strict: true }).values;
} catch {
  console.error(usage);
  process.exit(2);
}

const config = loadConfig();
if (config.tokens.signingKeys?.trim()) {
  console.error("JWT_SIGNING_KEYS is set: those keys change by redeploying. Put the new key first in that list, keep the old one after it, and roll out.");
  process.exit(1);
}
if (config.database.kind === "pglite") {
  console.log(`Embedded database in ${config.database.directory}: one process owns it, so run this with the server stopped.`);
}

const logger = createLogger({ level: "warn" });
const database = await openDatabase(config.database, { logger, migrate: true });
const cache = await createCache({ redisUrl: config.redis?.url, namespace: config.redis?.namespace, logger });
let exitCode = 0;
try {
  const secretBox = createSecretBox(
    await loadSecretBoxKey({ configured: config.secretEncryptionKey, dataDir: config.dataDir, requireConfigured: config.isProduction }),
  );
  const store = databaseKeyStore({ prisma: database.prisma, secretBox, logger });
  const accessTokenTtlSeconds = config.tokens.accessTokenTtlSeconds;
  const at = (epochMs: number) => new Date(epochMs).toISOString();

  if (args.withdraw !== undefined) {
    const result = await withdrawSigningKey(store, args.withdraw);
    if (!result.withdrawn) {
      console.error(`No signing key ${args.withdraw} in use (unknown or already withdrawn).`);
      exitCode = 1;
    } else {
      await announceSigningKeysChanged(cache, [args.withdraw]);
      console.log(`Withdrew ${args.withdraw}: no longer published or accepted.`);
      if (result.replacementKid) console.log(`It was signing; ${result.replacementKid} signs from now on.`);
    }
  } else if (!args.list) {
    const { kid, activatesAt } = await rotateSigningKey(store, { activationDelaySeconds: config.tokens.keyActivationDelaySeconds });
    await announceSigningKeysChanged(cache);
    console.log(`New signing key ${kid}: published now, signs from ${at(activatesAt)}.`);
  }

  const ring = await createKeyRing({ store, accessTokenTtlSeconds, logger });
  console.log(`Signing: ${ring.signingKey().kid}`);
  console.log(`Published (JWKS): ${ring.publicKeys().map((key) => key.kid).join(", ")}`);
  if (!config.redis && config.database.kind === "postgres") {
    console.log(`No REDIS_URL: running servers pick the change up within JWT_KEYS_RELOAD_SECONDS (${config.tokens.keysReloadIntervalMs / 1000} s).`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await cache.close();
  await database.close();
}
process.exit(exitCode);
