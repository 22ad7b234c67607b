import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import type { SecretBox } from "../secret-box.js";
import { databaseKeyStore } from "./database-key-store.js";
import { configuredKeyStore, type KeyStore } from "./key-store.js";

/** `JWT_SIGNING_KEYS` when set (static, rotated by redeploying), else the `signing_keys` table every replica shares. */
export function signingKeyStore(options: { signingKeys: string | undefined; prisma: PrismaClient; secretBox: SecretBox; logger?: Logger }): KeyStore {
  const configured = options.signingKeys?.trim();
  if (configured) return configuredKeyStore(configured);
  return databaseKeyStore({ prisma: options.prisma, secretBox: options.secretBox, logger: options.logger });
}
