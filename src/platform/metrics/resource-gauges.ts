import { Gauge, type Registry } from "prom-client";
import type { CacheFootprint } from "../cache/footprint.js";
import type { PoolStats } from "../db/database.js";

export interface WatchedResources {
  poolStats(): PoolStats;
  /** Each in-process cache by a name from a closed set (`tokens`, `context`, the session guard's tables). */
  cacheFootprints(): Record<string, CacheFootprint>;
  /** Cached by the caller: a scrape must not count the outbox table each time. */
  unpublishedOutboxEvents(): Promise<number>;
}

/** Gauges read when Prometheus scrapes: the database pool, the in-process caches, the outbox backlog. */
export function registerResourceGauges(registry: Registry, resources: WatchedResources): void {
  const registers = [registry];
  new Gauge({
    name: "db_pool_connections",
    help: "Database pool connections by state (in_use, idle); the embedded PGlite is one connection.",
    labelNames: ["state"],
    registers,
    collect() {
      const stats = resources.poolStats();
      this.set({ state: "in_use" }, stats.total - stats.idle);
      this.set({ state: "idle" }, stats.idle);
    },
  });
  new Gauge({
    name: "db_pool_waiting_queries",
    help: "Queries waiting for a free database pool connection.",
    registers,
    collect() {
      this.set(resources.poolStats().waiting);
    },
  });
  const footprintGauge = (name: string, help: string, read: (footprint: CacheFootprint) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["cache"],
      registers,
      collect() {
        for (const [cache, footprint] of Object.entries(resources.cacheFootprints())) this.set({ cache }, read(footprint));
      },
    });
  footprintGauge("cache_entries", "Entries held by each in-process cache.", (footprint) => footprint.entries);
  footprintGauge("cache_estimated_bytes", "Estimated bytes held by each in-process cache, as charged against its bound.", (footprint) => footprint.estimatedBytes);
  footprintGauge("cache_max_bytes", "The bound on each in-process cache's estimated bytes.", (footprint) => footprint.maxBytes);
  new Gauge({
    name: "outbox_unpublished_events",
    help: "Outbox rows not yet published to the event stream (absent when the database did not answer).",
    registers,
    async collect() {
      try {
        this.set(await resources.unpublishedOutboxEvents());
      } catch {
        this.reset();
      }
    },
  });
}
