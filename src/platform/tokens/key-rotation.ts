import type { Cache } from "../cache/cache.js";
import type { Logger } from "../logger.js";
import { type Clock, systemClock } from "./clock.js";
import type { KeyRing } from "./key-ring.js";
import type { KeyStore } from "./key-store.js";
import { generateSigningKey } from "./signing-keys.js";

/** The channel key-set changes are announced on; every replica reloads its ring on a message. */
export const signingKeysChannel = "tokens:signing-keys";

/** `withdrawn` lists kids to stop accepting at once, before the store is read again. */
export interface SigningKeysChanged {
  type: "signing-keys-changed";
  withdrawn: string[];
}

/**
 * Adds a new signing key, published at once and signing after `activationDelaySeconds`, so verifiers
 * that cache the JWKS know it before any token carries it. Returns the new kid and its activation time (epoch ms).
 */
export async function rotateSigningKey(
  store: KeyStore,
  options: { activationDelaySeconds: number; clock?: Clock },
): Promise<{ kid: string; activatesAt: number }> {
  const now = (options.clock ?? systemClock)();
  const key = await generateSigningKey(now, now + options.activationDelaySeconds * 1000);
  await store.add(key);
  return { kid: key.kid, activatesAt: key.activatesAt! };
}

/**
 * Withdraws a key: it is no longer published or accepted. When it was signing, a new key replaces it at
 * once (no delay: the old one must not sign again; verifiers meeting the new kid refetch the JWKS).
 */
export async function withdrawSigningKey(
  store: KeyStore,
  kid: string,
  options: { clock?: Clock } = {},
): Promise<{ withdrawn: boolean; replacementKid?: string }> {
  const now = (options.clock ?? systemClock)();
  const replacement = await generateSigningKey(now);
  const { withdrawn, replaced } = await store.withdraw(kid, now, replacement);
  return replaced ? { withdrawn, replacementKid: replacement.kid } : { withdrawn };
}

/** Tells every replica (this one included) that the stored key set changed. */
export async function announceSigningKeysChanged(cache: Cache, withdrawn: string[] = []): Promise<void> {
  const message: SigningKeysChanged = { type: "signing-keys-changed", withdrawn };
  await cache.publish(signingKeysChannel, JSON.stringify(message));
}

/**
 * Keeps a ring in step with its store: reloads on every announced change and every `reloadIntervalMs`
 * as a backstop for a missed message. Returns the stop function.
 */
export function keepKeyRingCurrent(options: { ring: KeyRing; cache: Cache; reloadIntervalMs: number; logger: Logger }): () => void {
  const { ring, cache, reloadIntervalMs, logger } = options;
  const unsubscribe = cache.subscribe(signingKeysChannel, async (raw) => {
    const withdrawn = withdrawnKids(raw);
    if (withdrawn === undefined) logger.warn({ channel: signingKeysChannel }, "malformed signing-keys message; reloading anyway");
    if (withdrawn?.length) ring.forget(withdrawn);
    await ring.reload();
    logger.info({ kids: ring.publicKeys().map((key) => key.kid), withdrawn }, "signing keys reloaded");
  });
  // A withdrawal announced while pub/sub was down never arrives: read the store again once it is back.
  const stopCatchingUp = cache.onCoherenceRegained(() => ring.reload());
  const timer = setInterval(() => void ring.reload(), reloadIntervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
    stopCatchingUp();
  };
}

function withdrawnKids(raw: string): string[] | undefined {
  try {
    const message = JSON.parse(raw) as Partial<SigningKeysChanged> | null;
    if (message?.type !== "signing-keys-changed" || !Array.isArray(message.withdrawn)) return undefined;
    return message.withdrawn.filter((kid): kid is string => typeof kid === "string");
  } catch {
    return undefined;
  }
}
