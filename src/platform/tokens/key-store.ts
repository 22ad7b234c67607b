import { type Clock, systemClock } from "./clock.js";
import { signerAt } from "./key-schedule.js";
import { generateSigningKey, parseConfiguredSigningKeys, type StoredSigningKey } from "./signing-keys.js";

/** Where a key ring's keys live. */
export interface KeyStore {
  /** Every key not withdrawn; a store that generates keys creates the first one when it has none. */
  load(): Promise<StoredSigningKey[]>;
  /** Stores a new key: published at once, signing from its `activatesAt`. */
  add(key: StoredSigningKey): Promise<void>;
  /**
   * Withdraws `kid` (`now` in epoch ms). When it is the signer at `now`, `replacement` is stored in the same
   * step so that some key signs. `withdrawn` is false for a kid not stored or already withdrawn.
   */
  withdraw(kid: string, now: number, replacement: StoredSigningKey): Promise<{ withdrawn: boolean; replaced: boolean }>;
}

const configuredRotation = "Signing keys come from JWT_SIGNING_KEYS: rotate by putting the new key first there and redeploying";

/** Keys from `JWT_SIGNING_KEYS`: the first entry signs, the others only verify. They change by redeploying, so writes refuse. */
export function configuredKeyStore(json: string): KeyStore {
  const keys = parseConfiguredSigningKeys(json).map((key, index) => (index === 0 ? { ...key, activatesAt: 0 } : key));
  return {
    load: async () => keys.map((key) => ({ ...key })),
    add: async () => {
      throw new Error(configuredRotation);
    },
    withdraw: async () => {
      throw new Error(configuredRotation);
    },
  };
}

/** Keys held only in memory (tests, throwaway processes); starts with one fresh key when given none. */
export function memoryKeyStore(initial: readonly StoredSigningKey[] = [], clock: Clock = systemClock): KeyStore {
  let keys = [...initial];
  let creatingFirst: Promise<void> | undefined;
  return {
    async load() {
      // Rings loading together must end up with the same first key.
      creatingFirst ??= keys.length > 0 ? Promise.resolve() : generateSigningKey(clock()).then((key) => void (keys = [key]));
      await creatingFirst;
      return keys.map((key) => ({ ...key }));
    },
    async add(key) {
      keys = [...keys, key];
    },
    async withdraw(kid, now, replacement) {
      if (!keys.some((key) => key.kid === kid)) return { withdrawn: false, replaced: false };
      const replaced = signerAt(keys, now)?.kid === kid;
      keys = [...keys.filter((key) => key.kid !== kid), ...(replaced ? [replacement] : [])];
      return { withdrawn: true, replaced };
    },
  };
}
