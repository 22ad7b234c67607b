import { LRUCache } from "lru-cache";

/** The in-process LRU. Values are boxed because `null` is a cacheable value and lru-cache refuses it. */
export class LocalStore {
  readonly #lru: LRUCache<string, { value: unknown }>;

  constructor(maxEntries: number) {
    this.#lru = new LRUCache({ max: maxEntries });
  }

  get(key: string): { value: unknown } | undefined {
    return this.#lru.get(key);
  }

  set(key: string, value: unknown, ttlMs: number): void {
    this.#lru.set(key, { value }, { ttl: ttlMs });
  }

  delete(key: string): void {
    this.#lru.delete(key);
  }

  clear(): void {
    this.#lru.clear();
  }
}
