import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { Counter, Registry } from "prom-client";
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
  /** Counts one SQL statement sent to the database. */
  recordDbStatement(): void;
  /** Adds the gauges read at scrape time. */
  watch(resources: WatchedResources): void;
  /** The Prometheus text of this server's series and the process's. */
  exposition(): Promise<string>;
  contentType: string;
}

export function createMetrics(options: { maxOperationNames: number; redis: boolean }): Metrics {
  const registry = new Registry();
  const processRegistry = processMetrics();
  const dbStatements = new Counter({ name: "db_statements_total", help: "SQL statements sent to the database.", registers: [registry] });
  return {
    registry,
    auth: createAuthRecorder(registry),
    cache: createCacheRecorder(registry, options.redis ? "redis" : "lru"),
    graphqlPlugin: graphqlMetricsPlugin(registry, options.maxOperationNames),
    recordHttpResponse: httpMetricsHook(registry),
    recordDbStatement: () => dbStatements.inc(),
    watch: (resources) => registerResourceGauges(registry, resources),
    async exposition() {
      const [own, process] = await Promise.all([registry.metrics(), processRegistry.metrics()]);
      return `${own}\n${process}`;
    },
    contentType: registry.contentType,
  };
}
