import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { lockFor } from "../db/locks.js";
import type { Logger } from "../logger.js";
import type { SecretBox } from "../secret-box.js";
import { type Clock, systemClock } from "./clock.js";
import type { KeyStore } from "./key-store.js";
import { signerAt } from "./key-schedule.js";
import { generateSigningKey, importSigningKey, type StoredSigningKey } from "./signing-keys.js";

export interface DatabaseKeyStoreOptions {
  prisma: PrismaClient;
  /** Seals the private halves (SECRET_ENCRYPTION_KEY). */
  secretBox: SecretBox;
  logger?: Logger;
  clock?: Clock;
}

// Every writer of the key set, on any replica or CLI, takes turns on this lock.
const lockKey = "signing-keys";

type Row = { kid: string; publicKeyX: string; privateKeySealed: string; createdAt: Date; activatesAt: Date };

/** The `signing_keys` table, shared by every replica; private keys are stored sealed with the secret box. */
export function databaseKeyStore({ prisma, secretBox, logger, clock = systemClock }: DatabaseKeyStoreOptions): KeyStore {
  const toStored = async (row: Row): Promise<StoredSigningKey | undefined> => {
    let d: string;
    try {
      d = secretBox.open(row.privateKeySealed);
    } catch {
      logger?.error({ kid: row.kid }, "signing key ignored: it cannot be decrypted with SECRET_ENCRYPTION_KEY");
      return undefined;
    }
    const stored: StoredSigningKey = {
      kid: row.kid,
      jwk: { kty: "OKP", crv: "Ed25519", x: row.publicKeyX, d },
      createdAt: row.createdAt.getTime(),
      activatesAt: row.activatesAt.getTime(),
    };
    try {
      await importSigningKey(stored);
    } catch (error) {
      // The message names the kid, never key material.
      logger?.error({ kid: row.kid, err: (error as Error).message }, "signing key ignored: it is not a valid key pair");
      return undefined;
    }
    return stored;
  };

  const toRow = (key: StoredSigningKey) => {
    if (key.jwk.d === undefined || key.activatesAt === undefined) throw new Error(`Signing key "${key.kid}" needs a private key and an activation time`);
    return {
      kid: key.kid,
      publicKeyX: key.jwk.x,
      privateKeySealed: secretBox.seal(key.jwk.d),
      createdAt: new Date(key.createdAt ?? clock()),
      activatesAt: new Date(key.activatesAt),
    };
  };

  const liveRows = (db: PrismaClient | Prisma.TransactionClient) =>
    db.signingKey.findMany({ where: { withdrawnAt: null }, orderBy: [{ activatesAt: "asc" }, { kid: "asc" }] });

  async function createFirstKey(): Promise<Row[]> {
    const first = await generateSigningKey(clock());
    return prisma.$transaction(async (tx) => {
      await lockFor(tx, lockKey);
      // Replicas starting together all get here; the first one through the lock creates the key.
      const existing = await liveRows(tx);
      if (existing.length > 0) return existing;
      await tx.signingKey.create({ data: toRow(first) });
      return liveRows(tx);
    });
  }

  return {
    async load() {
      let rows: Row[] = await liveRows(prisma);
      if (rows.length === 0) rows = await createFirstKey();
      const keys = await Promise.all(rows.map(toStored));
      return keys.filter((key): key is StoredSigningKey => key !== undefined);
    },
    async add(key) {
      const row = toRow(key);
      await prisma.$transaction(async (tx) => {
        await lockFor(tx, lockKey);
        await tx.signingKey.create({ data: row });
      });
    },
    async withdraw(kid, now, replacement) {
      const replacementRow = toRow(replacement);
      return prisma.$transaction(async (tx) => {
        await lockFor(tx, lockKey);
        const live = await liveRows(tx);
        if (!live.some((row) => row.kid === kid)) return { withdrawn: false, replaced: false };
        const schedule = live.map((row) => ({ kid: row.kid, activatesAt: row.activatesAt.getTime() }));
        const replaced = signerAt(schedule, now)?.kid === kid;
        await tx.signingKey.update({ where: { kid }, data: { withdrawnAt: new Date(now) } });
        if (replaced) await tx.signingKey.create({ data: replacementRow });
        return { withdrawn: true, replaced };
      });
    },
  };
}
