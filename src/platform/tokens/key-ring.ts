import type { KeyObject } from "node:crypto";
import type { CryptoKey } from "jose";
import type { Logger } from "../logger.js";
import { type Clock, systemClock } from "./clock.js";
import { acceptedAt, scheduleKeys, type ScheduledKey, signerAt } from "./key-schedule.js";
import type { KeyStore } from "./key-store.js";
import { importSigningKey, type PublicSigningJwk, type SigningKey } from "./signing-keys.js";

/**
 * The signing keys in memory, read from a store and reloaded when it changes. The key activated last
 * signs; a newer key is published before it activates; a superseded key verifies for one token lifetime.
 */
export interface KeyRing {
  /** The key new tokens are signed with. */
  signingKey(): { kid: string; privateKey: KeyObject };
  /** The public key for `kid` while it is accepted, else undefined. Never does I/O. */
  verificationKey(kid: string): CryptoKey | undefined;
  /** Whether tokens of `kid` are still accepted. Never does I/O. */
  accepts(kid: string): boolean;
  /** Public JWKs of every accepted key, signer first, then keys waiting to activate, then superseded ones (the JWKS). */
  publicKeys(): PublicSigningJwk[];
  /** Reads the store again. On failure, or when the store offers no signer, the keys in use stay and the error is logged. */
  reload(): Promise<void>;
  /** Stops accepting these kids at once, before the store has been read again (a withdrawal announced by another process). */
  forget(kids: readonly string[]): void;
}

export interface KeyRingOptions {
  store: KeyStore;
  /** A superseded key is accepted until the next key's activation plus this, when its last token has expired. */
  accessTokenTtlSeconds: number;
  logger?: Logger;
  clock?: Clock;
}

type RingKey = ScheduledKey<SigningKey>;

interface Keys {
  list: RingKey[];
  byKid: Map<string, RingKey>;
}

/** Loads the ring; throws when the store offers no key that can sign now. */
export async function createKeyRing({ store, accessTokenTtlSeconds, logger, clock = systemClock }: KeyRingOptions): Promise<KeyRing> {
  const forgotten = new Set<string>();

  async function read(): Promise<Keys> {
    const imported = await Promise.all((await store.load()).map(importSigningKey));
    // Filtered after the last await, so a withdrawal announced while this read was under way still holds.
    const list = scheduleKeys(imported.filter((key) => !forgotten.has(key.kid)), accessTokenTtlSeconds);
    if (!signerAt(list, clock())?.privateKey) throw new Error("No signing key is active: the key store has none that can sign now");
    return { list, byKid: new Map(list.map((key) => [key.kid, key])) };
  }

  let keys = await read();
  let reloading: Promise<void> = Promise.resolve();

  const accepted = (kid: string): RingKey | undefined => {
    const key = keys.byKid.get(kid);
    // The clock is read only for keys that expire: the signer's check on the hot path is one map lookup.
    return key && (key.acceptedUntil === undefined || clock() < key.acceptedUntil) ? key : undefined;
  };

  async function reloadNow(): Promise<void> {
    try {
      keys = await read();
    } catch (error) {
      logger?.error({ err: (error as Error).message }, "signing keys not reloaded; the keys in use stay");
    }
  }

  return {
    signingKey() {
      // read() made sure a signer existed; the earliest one stands in only if the clock went backwards.
      const signer = signerAt(keys.list, clock()) ?? keys.list.find((key) => key.privateKey)!;
      return { kid: signer.kid, privateKey: signer.privateKey! };
    },
    verificationKey(kid) {
      return accepted(kid)?.publicKey;
    },
    accepts(kid) {
      return accepted(kid) !== undefined;
    },
    publicKeys() {
      const now = clock();
      const signer = signerAt(keys.list, now);
      const signing = keys.list.filter((key) => key.activatesAt !== undefined && key !== signer);
      const waiting = signing.filter((key) => key.activatesAt! > now);
      const superseded = signing.filter((key) => key.activatesAt! <= now && acceptedAt(key, now)).reverse();
      const verifyOnly = keys.list.filter((key) => key.activatesAt === undefined);
      return [...(signer ? [signer] : []), ...waiting, ...superseded, ...verifyOnly]
        .filter((key) => keys.byKid.has(key.kid))
        .map((key) => ({ ...key.publicJwk }));
    },
    reload() {
      // One read at a time, in order, so an older read never replaces a newer one.
      reloading = reloading.then(reloadNow);
      return reloading;
    },
    forget(kids) {
      for (const kid of kids) forgotten.add(kid);
      const byKid = new Map([...keys.byKid].filter(([kid]) => !forgotten.has(kid)));
      const list = keys.list.filter((key) => byKid.has(key.kid));
      // A withdrawn signer's replacement arrives with the reload that follows; until then it signs but is not accepted.
      keys = { list: signerAt(list, clock())?.privateKey ? list : keys.list, byKid };
    },
  };
}
