import { loadConfig } from "../../config";
import { devKeyFile, loadKeyRing } from "./key-ring";

// Rotates the embedded default's dev keystore. Configured keys (JWT_SIGNING_KEYS) rotate by editing that setting.
const config = loadConfig();
if (config.tokens.signingKeys?.trim()) {
  console.error("JWT_SIGNING_KEYS is set: rotate by putting a new key first in that list and keeping the old one after it.");
  process.exit(1);
}
const ring = await loadKeyRing({
  signingKeys: undefined,
  dataDir: config.dataDir,
  accessTokenTtlSeconds: config.tokens.accessTokenTtlSeconds,
});
const kid = await ring.rotate();
const others = ring.publicKeys().filter((key) => key.kid !== kid).map((key) => key.kid);
console.log(`New signing key ${kid} in ${devKeyFile(config.dataDir)}.`);
console.log(`Still accepted until their tokens expire: ${others.join(", ") || "none"}.`);
console.log("Restart running servers to sign with the new key.");
