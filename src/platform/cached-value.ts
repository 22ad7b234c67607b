/**
 * `compute`'s result, reused for `ttlMs` after it arrives; calls made while a computation runs wait for
 * that one, so a burst of calls costs one computation. A rejection is passed on and not kept.
 */
export function cachedValue<T>(ttlMs: number, compute: () => Promise<T>, now: () => number = () => performance.now()): () => Promise<T> {
  let kept: { value: T; at: number } | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (kept && now() - kept.at < ttlMs) return Promise.resolve(kept.value);
    pending ??= compute()
      .then((value) => {
        kept = { value, at: now() };
        return value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
