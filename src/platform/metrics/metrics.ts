import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { Registry } from "prom-client";
import { createAuthRecorder, type AuthRecorder } from "./auth-recorder.js";
import { createCacheRecorder, type CacheRecorder } from "./cache-recorder.js";
import { graphqlMetricsPlugin } from "./graphql-metrics.js";
import { httpMetricsHook } from "./http-metrics.js";
import { processMetrics } from "./process-metrics.js";
import { registerResourceGauges, type WatchedResources } from "./resource-gauges.js";

/** This server's metrics: its own registry (never prom-client's global one), and what records into it. */
export interface Metrics {
  registry: Registry;
  auth: AuthRecorder;
  cache: CacheRecorder;
  graphqlPlugin: ApolloServerPlugin<BaseContext>;
  recordHttpResponse: ReturnType<typeof httpMetricsHook>;
  /** Adds the gauges read at scrape time. */
  watch(resources: WatchedResources): void;
  /** The Prometheus text of this server's series and the process's. */
  exposition(): Promise<string>;
  contentType: string;
}

export function createMetrics(options: { maxOperationNames: number; redis: boolean }): Metrics {
  const registry = new Registry();
  const processRegistry = processMetrics();
  return {
    registry,
    auth: createAuthRecorder(registry),
    cache: createCacheRecorder(registry, options.redis ? "redis" : "lru"),
    graphqlPlugin: graphqlMetricsPlugin(registry, options.maxOperationNames),
    recordHttpResponse: httpMetricsHook(registry),
    watch: (resources) => registerResourceGauges(registry, resources),
    async exposition() {
      const [own, process] = await Promise.all([registry.metrics(), processRegistry.metrics()]);
      return `${own}\n${process}`;
    },
    contentType: registry.contentType,
  };
}
