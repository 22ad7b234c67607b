import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext, GraphQLRequestListener } from "@apollo/server";
import type { Registry } from "prom-client";
import { OperationNames } from "./operation-names.js";
import { tallyCounter } from "./tally-counter.js";
import { tallyHistogram } from "./tally-histogram.js";

const operationTypes = ["query", "mutation", "subscription", "unknown"] as const;
const outcomes = ["success", "error", "parse_error", "validation_error"] as const;
type Outcome = (typeof outcomes)[number];

export const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  count: { inc(): void };
  duration: { observe(seconds: number): void };
}

type RequestContext = GraphQLRequestContext<BaseContext>;

// Kept on the request's own metrics object: a WeakMap entry per request costs more than the rest of the recording.
const startedAt = Symbol("graphql-metrics-started");
type TimedMetrics = RequestContext["metrics"] & { [startedAt]?: number };

function outcomeOf(requestContext: RequestContext, failed: boolean): Outcome {
  if (!requestContext.document) return "parse_error";
  if (failed) return "error";
  if (!requestContext.operation) return "validation_error";
  const { body } = requestContext.response;
  return body?.kind === "single" && body.singleResult.errors?.length ? "error" : "success";
}

/**
 * Counts and times every GraphQL request once, from the start of Apollo's pipeline to the response, by
 * operation name (bounded), type and outcome. The label children are kept, so a request costs a few map
 * lookups and two observations, with no per-field hook.
 */
export function graphqlMetricsPlugin(registry: Registry, maxOperationNames: number): ApolloServerPlugin<BaseContext> {
  const labelNames = ["operation_name", "operation_type", "outcome"];
  const requests = tallyCounter(registry, { name: "graphql_requests_total", help: "GraphQL requests by operation name, type and outcome.", labelNames });
  const durations = tallyHistogram(registry, { name: "graphql_request_duration_seconds", help: "Time from the start of a GraphQL request's pipeline to its response.", labelNames, buckets: durationBuckets });
  const names = new OperationNames(maxOperationNames);
  const seriesByName = new Map<string, (Series | undefined)[]>();

  function seriesFor(name: string, typeIndex: number, outcomeIndex: number): Series {
    let byKind = seriesByName.get(name);
    if (!byKind) seriesByName.set(name, (byKind = []));
    const index = typeIndex * outcomes.length + outcomeIndex;
    let series = byKind[index];
    if (!series) {
      const labels = [name, operationTypes[typeIndex]!, outcomes[outcomeIndex]!];
      series = byKind[index] = { count: requests.series(...labels), duration: durations.series(...labels) };
    }
    return series;
  }

  function record(requestContext: RequestContext, failed: boolean): void {
    const started = (requestContext.metrics as TimedMetrics)[startedAt];
    if (started === undefined) return;
    const operation = requestContext.operation;
    const name = names.labelOf(operation ? requestContext.operationName : requestContext.request.operationName);
    const typeIndex = operation ? operationTypes.indexOf(operation.operation) : operationTypes.length - 1;
    const series = seriesFor(name, typeIndex, outcomes.indexOf(outcomeOf(requestContext, failed)));
    series.count.inc();
    series.duration.observe((performance.now() - started) / 1000);
  }

  // One listener for every request: nothing is made per request but the series the first time they are seen.
  const listener: GraphQLRequestListener<BaseContext> = {
    async willSendResponse(requestContext) {
      record(requestContext, false);
    },
  };
  return {
    async requestDidStart(requestContext) {
      (requestContext.metrics as TimedMetrics)[startedAt] = performance.now();
      return listener;
    },
    // A plugin that throws ends the request without willSendResponse (graphql-armor's token limit, on a syntax error too).
    async unexpectedErrorProcessingRequest({ requestContext }) {
      record(requestContext, true);
    },
  };
}
