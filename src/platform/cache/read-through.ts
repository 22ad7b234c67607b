import type { Cache } from "./cache.js";

export interface ReadThroughOptions<Row> {
  /** Key prefix, e.g. "user:"; the row's id follows it. */
  prefix: string;
  ttlSeconds: number;
  /** Turns a cached (JSON) row back into a row, e.g. strings into Dates. */
  revive: (cached: Row) => Row;
}

/**
 * Rows by id through the cache: hits from the LRU (or Redis), the misses fetched together in one call
 * and cached. Unknown ids are not cached. Writers must `cache.delete(prefix + id)` after a change.
 */
export async function readThrough<Row extends { id: string }>(
  cache: Cache,
  options: ReadThroughOptions<Row>,
  ids: readonly string[],
  fetchMissing: (ids: string[]) => Promise<Row[]>,
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const cached = await Promise.all(ids.map((id) => cache.get<Row>(options.prefix + id)));
  const missing: string[] = [];
  ids.forEach((id, index) => {
    const hit = cached[index];
    if (hit) found.set(id, options.revive(hit));
    else missing.push(id);
  });
  if (missing.length) {
    for (const row of await fetchMissing(missing)) {
      found.set(row.id, row);
      await cache.set(options.prefix + row.id, row, options.ttlSeconds);
    }
  }
  return found;
}
