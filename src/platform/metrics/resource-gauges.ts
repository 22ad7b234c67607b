import { Gauge, type Registry } from "prom-client";
import type { PoolStats } from "../db/database.js";

export interface WatchedResources {
  poolStats(): PoolStats;
  cachedTokenCount(): number;
  /** Cached by the caller: a scrape must not count the outbox table each time. */
  unpublishedOutboxEvents(): Promise<number>;
}

/** Gauges read when Prometheus scrapes: the database pool, the verified-token cache, the outbox backlog. */
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
  new Gauge({
    name: "auth_token_cache_entries",
    help: "Verified access tokens remembered by this process.",
    registers,
    collect() {
      this.set(resources.cachedTokenCount());
    },
  });
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
