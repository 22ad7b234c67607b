/**
 * Bounds an lru-cache by entries and by estimated bytes. lru-cache's own `max` allocates arrays of `max`
 * slots up front (about 5 MB per 100,000 with a ttl), so the entry bound is kept through the bytes instead:
 * `charge` bills every entry at least `maxBytes / maxEntries`, so no more than `maxEntries` fit in `maxSize`.
 */
export function lruBounds(maxEntries: number, maxBytes: number): { maxSize: number; charge: (bytes: number) => number } {
  const floor = Math.ceil(maxBytes / maxEntries);
  return { maxSize: maxBytes, charge: (bytes) => Math.max(floor, Math.ceil(bytes)) };
}
