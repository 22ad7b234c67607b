import type { Cache, Reviver } from "./cache.js";

export interface ReadThroughOptions<Row> {
  /** Key prefix, e.g. "user:"; the row's id follows it. */
  prefix: string;
  ttlSeconds: number;
  /** Turns a cached (JSON) row back into a row, e.g. strings into Dates; run once per row the LRU holds. */
  revive: Reviver<Row>;
}

// Per cache, the reads under way by key: concurrent requests for one row share one Redis read and one fetch.
const readsInFlight = new WeakMap<Cache, Map<string, Promise<unknown>>>();

/**
 * Rows by id through the cache: hits from the LRU (or Redis), the misses fetched together in one call
 * and cached. An id another caller is already reading joins that read (single flight across requests).
 * Unknown ids are not cached. Writers must `forgetRow(cache, prefix + id)` after a change.
 */
export async function readThrough<Row extends { id: string }>(
  cache: Cache,
  options: ReadThroughOptions<Row>,
  ids: readonly string[],
  fetchMissing: (ids: string[]) => Promise<Row[]>,
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const inFlight = inFlightOf(cache);
  const reads = new Map<string, Promise<Row | undefined>>();
  const unclaimed: string[] = [];
  for (const id of ids) {
    // Rows this process's LRU holds answer at once, without a promise each.
    const held = cache.peek(options.prefix + id, options.revive);
    if (held) {
      found.set(id, held);
      continue;
    }
    const running = inFlight.get(options.prefix + id) as Promise<Row | undefined> | undefined;
    if (running) reads.set(id, running);
    else unclaimed.push(id);
  }
  if (unclaimed.length) {
    const batch = readBatch(cache, options, unclaimed, fetchMissing);
    for (const id of unclaimed) {
      const key = options.prefix + id;
      const read = batch.then((rows) => rows.get(id));
      const settle = () => {
        if (inFlight.get(key) === read) inFlight.delete(key);
      };
      read.then(settle, settle);
      inFlight.set(key, read);
      reads.set(id, read);
    }
  }
  for (const [id, read] of reads) {
    const row = await read;
    if (row) found.set(id, row);
  }
  return found;
}

async function readBatch<Row extends { id: string }>(
  cache: Cache,
  options: ReadThroughOptions<Row>,
  ids: string[],
  fetchMissing: (ids: string[]) => Promise<Row[]>,
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const cached = await Promise.all(ids.map((id) => cache.get<Row>(options.prefix + id, options.revive)));
  const missing: string[] = [];
  ids.forEach((id, index) => {
    const hit = cached[index];
    if (hit) found.set(id, hit);
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

/** Drops a row from the cache, and a read of it under way, so readers after a write never get the row from before it. */
export function forgetRow(cache: Cache, key: string): Promise<void> {
  readsInFlight.get(cache)?.delete(key);
  return cache.delete(key);
}

function inFlightOf(cache: Cache): Map<string, Promise<unknown>> {
  let inFlight = readsInFlight.get(cache);
  if (!inFlight) {
    inFlight = new Map();
    readsInFlight.set(cache, inFlight);
  }
  return inFlight;
}
