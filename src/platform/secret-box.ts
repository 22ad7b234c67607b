import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** AES-256-GCM under one key: what stores secrets the service must read back (TOTP secrets). */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

const ivBytes = 12;
const tagBytes = 16;

/** A box over a 32-byte key; sealed values are base64 of iv ‖ tag ‖ ciphertext. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("The secret encryption key must be 32 bytes (base64 of 32 random bytes)");
  return {
    seal(plaintext) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64");
    },
    open(sealed) {
      const bytes = Buffer.from(sealed, "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, ivBytes));
      decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString("utf8");
    },
  };
}

/**
 * The configured key (base64 of 32 bytes), or on the embedded default a generated one kept 0600 under
 * `<dataDir>/keys/secret-box.key` and reused across restarts.
 */
export async function loadSecretBoxKey(options: { configured?: string; dataDir: string; requireConfigured: boolean }): Promise<Buffer> {
  if (options.configured) return Buffer.from(options.configured, "base64");
  if (options.requireConfigured) throw new Error("SECRET_ENCRYPTION_KEY must be set in production (base64 of 32 random bytes)");
  const file = path.join(options.dataDir, "keys", "secret-box.key");
  try {
    return Buffer.from((await readFile(file, "utf8")).trim(), "base64");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    await writeFile(file, `${key.toString("base64")}\n`, { flag: "wx", mode: 0o600 });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return Buffer.from((await readFile(file, "utf8")).trim(), "base64");
  }
}
