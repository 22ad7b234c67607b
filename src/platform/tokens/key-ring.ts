import path from "node:path";
import type { CryptoKey } from "jose";
import { type Clock, systemClock, unixSeconds } from "./clock";
import { configuredKeyStore, fileKeyStore, type KeyStore } from "./key-store";
import { generateSigningKey, importSigningKey, type PublicSigningJwk, type SigningKey, type StoredSigningKey } from "./signing-keys";

/** The signing keys in memory: one signs, retired ones still verify until their last token has expired. */
export interface KeyRing {
  /** The key new tokens are signed with. */
  signingKey(): { kid: string; privateKey: CryptoKey };
  /** The public key for `kid` while it is accepted, else undefined. Never does I/O. */
  verificationKey(kid: string): CryptoKey | undefined;
  /** Public JWKs of every accepted key, signer first (the JWKS). */
  publicKeys(): PublicSigningJwk[];
  /** Makes a new key the signer and persists it; the old one stays accepted for a token lifetime. Returns the new kid. */
  rotate(): Promise<string>;
}

export interface KeyRingOptions {
  store: KeyStore;
  /** A retired key is accepted until `retiredAt + accessTokenTtlSeconds`, when its last token has expired. */
  accessTokenTtlSeconds: number;
  clock?: Clock;
}

export async function createKeyRing({ store, accessTokenTtlSeconds, clock = systemClock }: KeyRingOptions): Promise<KeyRing> {
  const graceMs = accessTokenTtlSeconds * 1000;
  const accepted = (key: { retiredAt?: number }, nowMs: number) =>
    key.retiredAt === undefined || nowMs < key.retiredAt * 1000 + graceMs;

  let keys = await activate(await store.load());
  let byKid = new Map(keys.map((key) => [key.kid, key]));
  let queue: Promise<unknown> = Promise.resolve();

  async function activate(stored: StoredSigningKey[]): Promise<SigningKey[]> {
    const nowMs = clock();
    const live = stored.filter((key, index) => index === 0 || accepted(key, nowMs));
    const imported = await Promise.all(live.map(importSigningKey));
    if (!imported[0]?.privateKey) throw new Error("The first signing key must have a private key");
    return imported;
  }

  async function rotateNow(): Promise<string> {
    const now = unixSeconds(clock);
    const current = await store.load();
    const fresh = await generateSigningKey(now);
    const retired = current.map((key) => (key.retiredAt === undefined ? { ...key, retiredAt: now } : key));
    const next = [fresh, ...retired.filter((key) => accepted(key, clock()))];
    const activated = await activate(next);
    await store.save(next);
    keys = activated;
    byKid = new Map(keys.map((key) => [key.kid, key]));
    return fresh.kid;
  }

  return {
    signingKey() {
      const signer = keys[0]!;
      return { kid: signer.kid, privateKey: signer.privateKey! };
    },
    verificationKey(kid) {
      const key = byKid.get(kid);
      return key && accepted(key, clock()) ? key.publicKey : undefined;
    },
    publicKeys() {
      const nowMs = clock();
      return keys.filter((key) => accepted(key, nowMs)).map((key) => ({ ...key.publicJwk }));
    },
    rotate() {
      const run = queue.then(rotateNow);
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

export interface LoadKeyRingOptions {
  /** `config.tokens.signingKeys`: the raw `JWT_SIGNING_KEYS` JSON, or undefined for the dev keystore. */
  signingKeys: string | undefined;
  /** `config.dataDir`; the dev keystore lives in `<dataDir>/keys/signing-keys.json`. */
  dataDir: string;
  accessTokenTtlSeconds: number;
  /** Refuse generated dev keys (production: replicas must share configured keys). */
  requireConfiguredKeys?: boolean;
  clock?: Clock;
}

/** The key ring from config: `JWT_SIGNING_KEYS` when set, else the generated dev keystore under `dataDir`. */
export async function loadKeyRing(options: LoadKeyRingOptions): Promise<KeyRing> {
  const { signingKeys, dataDir, accessTokenTtlSeconds, requireConfiguredKeys = false, clock = systemClock } = options;
  const configured = signingKeys?.trim();
  if (!configured && requireConfiguredKeys) throw new Error("JWT_SIGNING_KEYS must be set: generated keys are for development only");
  const store = configured ? configuredKeyStore(configured) : fileKeyStore(devKeyFile(dataDir), clock);
  return createKeyRing({ store, accessTokenTtlSeconds, clock });
}

export function devKeyFile(dataDir: string): string {
  return path.join(dataDir, "keys", "signing-keys.json");
}
