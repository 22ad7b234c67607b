import { afterAll, describe, expect, it } from "vitest";
import { cleanUp } from "../bench/cleanup.js";
import { runSoak } from "../bench/soak.js";
import { replicasCanRun } from "./support/replicas.js";

describe.runIf(replicasCanRun)("a short soak of mixed load on two replicas", () => {
  afterAll(cleanUp);

  it("answers every request, keeps memory flat and p99 steady", async () => {
    // A seat per worker above the fifty members, two to spare: invitees who stayed would use them up within seconds.
    // A few hundred users through the caches first (each must get its own `me`), as `npm run soak` fills them to their bounds.
    const result = await runSoak({ durationSeconds: 15, windowSeconds: 5, concurrency: 8, serverEnv: { BILLING_ENTERPRISE_SEATS: "60" }, prefillUsers: 300 });

    expect(result.errorSamples).toEqual([]);
    expect(result.errors).toBe(0);
    // A stall leaves a window with no answers at all.
    for (const window of result.windows) expect(window.requests).toBeGreaterThan(0);
    // Generous for 15 s of GC noise on a shared machine, still short of a per-request leak's growth.
    expect(result.rssSpread[0]).toBeLessThan(0.5);
    expect(result.rssSpread[1]).toBeLessThan(0.5);
    // Each replica's /metrics tells what its caches hold, so a growing RSS can be set against them.
    for (const window of result.windows) for (const memory of window.memoryMiB) expect(memory.caches).toBeGreaterThan(0);
    // Argon2 queues push p99 to seconds on two busy cores; a stall or a runaway queue goes far past four times the best window.
    expect(result.p99SpreadMs.max).toBeLessThan(Math.max(4 * result.p99SpreadMs.min, 2_000));
  }, 120_000);
});
