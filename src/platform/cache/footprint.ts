import type { LRUCache } from "lru-cache";

/** What an in-process cache holds right now, for /metrics: entries, and estimated bytes against its bound. */
export interface CacheFootprint {
  entries: number;
  estimatedBytes: number;
  maxBytes: number;
}

export function lruFootprint<V extends NonNullable<unknown>>(lru: LRUCache<string, V>): CacheFootprint {
  return { entries: lru.size, estimatedBytes: lru.calculatedSize, maxBytes: lru.maxSize };
}
