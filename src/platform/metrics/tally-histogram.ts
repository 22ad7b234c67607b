import type { Metric, MetricValueWithName, Registry } from "prom-client";

/** One series of a tally histogram: an observation is a bucket search and three additions. */
export interface TallyObserver {
  observe(value: number): void;
}

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram whose series are plain arrays, exported when the registry is scraped: the request
 * path pays no label hashing or validation, which prom-client's Histogram does on every observation.
 */
export function tallyHistogram(registry: Registry, options: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[] }) {
  const { name, help, labelNames, buckets } = options;
  const all: Series[] = [];

  function exported() {
    const values: MetricValueWithName<string>[] = [];
    for (const series of all) {
      let cumulative = 0;
      buckets.forEach((bound, index) => {
        cumulative += series.counts[index]!;
        values.push({ labels: { le: bound, ...series.labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { le: "+Inf", ...series.labels }, value: series.count, metricName: `${name}_bucket` });
      values.push({ labels: series.labels, value: series.sum, metricName: `${name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${name}_count` });
    }
    return { name, help, type: "histogram", values, aggregator: "sum" };
  }
  // The registry reads a metric's name and calls get(); it needs no more of prom-client's Metric class.
  registry.registerMetric({ name, help, get: async () => exported() } as unknown as Metric);

  return {
    series(...values: string[]): TallyObserver {
      const labels = Object.fromEntries(labelNames.map((labelName, index) => [labelName, values[index]!]));
      const series: Series = { labels, counts: new Float64Array(buckets.length + 1), sum: 0, count: 0 };
      all.push(series);
      return {
        observe(value: number) {
          let index = 0;
          while (index < buckets.length && value > buckets[index]!) index++;
          series.counts[index]! += 1;
          series.sum += value;
          series.count += 1;
        },
      };
    },
  };
}
