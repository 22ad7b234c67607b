import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { tallyHistogram } from "./tally-histogram.js";

describe("tallyHistogram", () => {
  it("exports exactly what prom-client's Histogram exports for the same observations", async () => {
    const buckets = [0.01, 0.1, 1];
    const observations = [0.005, 0.01, 0.05, 0.5, 2, 0.1, 7, 0];
    const ours = new Registry();
    const tally = tallyHistogram(ours, { name: "duration_seconds", help: "How long.", labelNames: ["route", "status"], buckets });
    const theirs = new Registry();
    const reference = new Histogram({ name: "duration_seconds", help: "How long.", labelNames: ["route", "status"], buckets, registers: [theirs] });
    const slow = tally.series("/graphql", "2xx");
    const failed = tally.series("/graphql", "5xx");
    for (const value of observations) {
      slow.observe(value);
      reference.observe({ route: "/graphql", status: "2xx" }, value);
    }
    failed.observe(0.2);
    reference.observe({ route: "/graphql", status: "5xx" }, 0.2);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
