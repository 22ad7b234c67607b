import type { Registry } from "prom-client";
import type { CacheLayer, CacheLookups } from "../cache/cache.js";
import { RollingMean, recentWindow } from "./rolling-mean.js";
import { tallyCounter } from "./tally-counter.js";

/** Cache lookups per layer as counters, and the share of reads the cache answered over the recent window. */
export interface CacheRecorder extends CacheLookups {
  /** Null without a read in the window. */
  hitRate(): number | null;
}

/** `lastLayer` is the layer whose miss is the cache's miss: Redis when configured, else the LRU. */
export function createCacheRecorder(registry: Registry, lastLayer: CacheLayer): CacheRecorder {
  const lookups = tallyCounter(registry, {
    name: "cache_lookups_total",
    help: "Cache lookups by layer (lru: in-process, redis) and result (hit, miss).",
    labelNames: ["layer", "result"],
  });
  const layers: CacheLayer[] = lastLayer === "redis" ? ["lru", "redis"] : ["lru"];
  const byLayer = Object.fromEntries(layers.map((layer) => [layer, { hit: lookups.series(layer, "hit"), miss: lookups.series(layer, "miss") }]));
  const answers = new RollingMean(recentWindow);

  return {
    record(layer: CacheLayer, hit: boolean) {
      const series = byLayer[layer];
      if (!series) return;
      if (hit) {
        series.hit.inc();
        answers.record(1);
      } else {
        series.miss.inc();
        if (layer === lastLayer) answers.record(0);
      }
    },
    hitRate: () => answers.mean(),
  };
}
