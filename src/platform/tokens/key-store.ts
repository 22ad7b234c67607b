import { randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { type Clock, systemClock, unixSeconds } from "./clock";
import { generateSigningKey, parseConfiguredSigningKeys, storedSigningKeySchema, type StoredSigningKey } from "./signing-keys";

/** Where a key ring's keys live. The first key signs. */
export interface KeyStore {
  load(): Promise<StoredSigningKey[]>;
  save(keys: readonly StoredSigningKey[]): Promise<void>;
}

/** Keys from `JWT_SIGNING_KEYS`. They rotate by editing that setting, so `save` refuses. */
export function configuredKeyStore(json: string): KeyStore {
  const keys = parseConfiguredSigningKeys(json);
  return {
    load: async () => keys.map((key) => ({ ...key })),
    save: async () => {
      throw new Error("Signing keys come from JWT_SIGNING_KEYS: rotate by putting the new key first there");
    },
  };
}

/** Keys held only in memory (tests, throwaway processes); starts with one fresh key when given none. */
export function memoryKeyStore(initial: readonly StoredSigningKey[] = [], clock: Clock = systemClock): KeyStore {
  let keys = [...initial];
  return {
    async load() {
      if (keys.length === 0) keys = [await generateSigningKey(unixSeconds(clock))];
      return keys.map((key) => ({ ...key }));
    },
    save: async (next) => {
      keys = [...next];
    },
  };
}

const keyFileSchema = z.object({ keys: z.array(storedSigningKeySchema).min(1) });

/**
 * The embedded default's dev keystore: a JSON file readable only by its owner (0600), created with one
 * fresh key on first load and reused across restarts.
 */
export function fileKeyStore(file: string, clock: Clock = systemClock): KeyStore {
  return {
    async load() {
      const existing = await readKeyFile(file);
      if (existing) return existing;
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const keys = [await generateSigningKey(unixSeconds(clock))];
      try {
        await writeFile(file, serialize(keys), { flag: "wx", mode: 0o600 });
        return keys;
      } catch (error) {
        // Another process created the file first: use its keys so both sign with the same one.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        return (await readKeyFile(file)) ?? keys;
      }
    },
    async save(keys) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temporary = `${file}.${randomUUID()}.tmp`;
      await writeFile(temporary, serialize(keys), { mode: 0o600 });
      await rename(temporary, file);
    },
  };
}

async function readKeyFile(file: string): Promise<StoredSigningKey[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const keys = parseKeyFile(text);
  if (!keys) throw new Error(`Signing key file ${file} is not a valid key file; move it away to start with a new key`);
  return keys;
}

function parseKeyFile(text: string): StoredSigningKey[] | undefined {
  try {
    const parsed = keyFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.keys : undefined;
  } catch {
    return undefined;
  }
}

function serialize(keys: readonly StoredSigningKey[]): string {
  return `${JSON.stringify({ keys }, null, 2)}\n`;
}
