/** What the schedule needs of a key: `activatesAt` (epoch ms) is set on keys that may sign. */
export interface SchedulableKey {
  kid: string;
  activatesAt?: number;
}

export type ScheduledKey<K extends SchedulableKey> = K & {
  /** Epoch ms when the key stops being accepted: a token lifetime after the next key activates; absent while no later key exists. */
  acceptedUntil?: number;
};

/**
 * Works out, from the stored timestamps alone, until when each key is accepted, so every replica reading
 * the same keys decides the same way. Keys that sign are ordered by activation; keys that only verify
 * (configured public keys) are accepted for as long as they are configured.
 */
export function scheduleKeys<K extends SchedulableKey>(keys: readonly K[], accessTokenTtlSeconds: number): ScheduledKey<K>[] {
  const signers = keys.filter((key) => key.activatesAt !== undefined).sort(byActivation);
  const scheduled = signers.map((key, index): ScheduledKey<K> => {
    const next = signers[index + 1];
    return next ? { ...key, acceptedUntil: next.activatesAt! + accessTokenTtlSeconds * 1000 } : { ...key };
  });
  return [...scheduled, ...keys.filter((key) => key.activatesAt === undefined)];
}

/** The key that signs at `now` (epoch ms): the one activated last, not in the future. */
export function signerAt<K extends SchedulableKey>(keys: readonly K[], now: number): K | undefined {
  let signer: K | undefined;
  for (const key of keys) {
    if (key.activatesAt === undefined || key.activatesAt > now) continue;
    if (!signer || byActivation(key, signer) > 0) signer = key;
  }
  return signer;
}

export function acceptedAt(key: { acceptedUntil?: number }, now: number): boolean {
  return key.acceptedUntil === undefined || now < key.acceptedUntil;
}

function byActivation(a: SchedulableKey, b: SchedulableKey): number {
  return a.activatesAt! - b.activatesAt! || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);
}
