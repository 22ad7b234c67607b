import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import type { Registry } from "prom-client";
import { durationBuckets } from "./graphql-metrics.js";
import { tallyCounter } from "./tally-counter.js";
import { tallyHistogram } from "./tally-histogram.js";

const methods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

interface Series {
  count: { inc(): void };
  duration: { observe(seconds: number): void };
}

/** A fastify onResponse hook counting and timing each response by method, route pattern and status class. */
export function httpMetricsHook(registry: Registry) {
  const labelNames = ["method", "route", "status_class"];
  const requests = tallyCounter(registry, { name: "http_requests_total", help: "HTTP responses by method, route (unmatched: no route) and status class.", labelNames });
  const durations = tallyHistogram(registry, { name: "http_request_duration_seconds", help: "Time from receiving an HTTP request to its response.", labelNames, buckets: durationBuckets });
  // Route patterns are the application's own, so the map is bounded by the routes and methods.
  const seriesByRoute = new Map<string, Map<string, (Series | undefined)[]>>();

  function seriesFor(route: string, method: string, statusCode: number): Series {
    let byMethod = seriesByRoute.get(route);
    if (!byMethod) seriesByRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = []));
    const index = Math.min(Math.max(Math.floor(statusCode / 100), 1), 5) - 1;
    let series = byStatus[index];
    if (!series) {
      const labels = [method, route, statusClasses[index]!];
      series = byStatus[index] = { count: requests.series(...labels), duration: durations.series(...labels) };
    }
    return series;
  }

  return function recordHttpResponse(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const series = seriesFor(request.routeOptions.url ?? "unmatched", methods.has(request.method) ? request.method : "OTHER", reply.statusCode);
    series.count.inc();
    series.duration.observe(reply.elapsedTime / 1000);
    done();
  };
}
