import { LRUCache } from "lru-cache";
import { lruFootprint, type CacheFootprint } from "./footprint.js";
import { lruBounds } from "./lru-bounds.js";

export interface LocalStoreBounds {
  maxEntries: number;
  /** Upper bound on the estimated bytes of all entries. */
  maxBytes: number;
}

// Measured: a parsed JSON row, its box and the LRU's bookkeeping take about its text's length plus 150 bytes.
const entryOverheadBytes = 150;

/** A held value, and the revived form callers read, made on the first read that asks for it. */
interface Box {
  value: unknown;
  revived?: { value: unknown };
  reviver?: (cached: never) => unknown;
}

/** The in-process LRU. Values are boxed because `null` is a cacheable value and lru-cache refuses it. */
export class LocalStore {
  readonly #lru: LRUCache<string, Box>;
  readonly #charge: (size: number) => number;

  constructor(bounds: LocalStoreBounds) {
    const { maxSize, charge } = lruBounds(bounds.maxEntries, bounds.maxBytes);
    // ttlResolution 0: read the clock per lookup; lru-cache's default caches it behind a timer made every millisecond.
    this.#lru = new LRUCache({ maxSize, ttlResolution: 0 });
    this.#charge = charge;
  }

  /** The held value, revived by `revive` once for as long as it is held. */
  get<T>(key: string, revive?: (cached: T) => T): { value: T } | undefined {
    const box = this.#lru.get(key);
    if (!box || !revive) return box as { value: T } | undefined;
    if (box.reviver !== revive || !box.revived) {
      box.revived = { value: revive(box.value as T) };
      box.reviver = revive;
    }
    return box.revived as { value: T };
  }

  /** `jsonLength` is the length of the value's JSON text, from which its size in memory is estimated. */
  set(key: string, value: unknown, ttlMs: number, jsonLength: number): void {
    const size = this.#charge(entryOverheadBytes + key.length + jsonLength);
    if (size > this.#lru.maxSize) this.#lru.delete(key);
    else this.#lru.set(key, { value }, { ttl: ttlMs, size });
  }

  delete(key: string): void {
    this.#lru.delete(key);
  }

  clear(): void {
    this.#lru.clear();
  }

  footprint(): CacheFootprint {
    return lruFootprint(this.#lru);
  }
}
