import { cleanUp } from "./cleanup.js";
import { compileServers } from "./compiled-servers.js";
import { describeNodeEnv, productionNodeEnv } from "./production-node.js";
import { runSoak } from "./soak.js";

const durationSeconds = Number(process.env.SOAK_SECONDS ?? 600);
if (!Number.isInteger(durationSeconds) || durationSeconds < 10) throw new Error("SOAK_SECONDS must be a whole number of seconds, at least 10");
// Enough distinct users to bring every cache to its bound before the first window (the session guard's tables hold about 45,000 at 16 MB).
const prefillUsers = Number(process.env.SOAK_PREFILL_USERS ?? 50_000);
if (!Number.isInteger(prefillUsers) || prefillUsers < 0) throw new Error("SOAK_PREFILL_USERS must be a whole number of users");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanUp().finally(() => process.exit(130)));
}

try {
  console.log("[soak] compiling the server (production runs compiled JavaScript)");
  const { ours } = await compileServers();
  const nodeEnv = productionNodeEnv();
  console.log(`[soak] ${prefillUsers} users through both replicas' caches first, then ${durationSeconds} s of mixed load on them, ${describeNodeEnv(nodeEnv)}`);
  const result = await runSoak({ durationSeconds, windowSeconds: Math.min(30, Math.max(5, Math.floor(durationSeconds / 10))), concurrency: 16, entry: ours, serverEnv: nodeEnv, prefillUsers });
  console.log(`[soak] caches filled by ${result.prefilledUsers} users in ${result.prefillSeconds} s`);
  for (const window of result.windows) {
    const [a, b] = window.memoryMiB;
    console.log(
      `[soak] ${String(window.endsAtSecond).padStart(4)} s  ${window.requests} requests  ${window.errors} errors  p99 ${window.p99Ms} ms  ` +
        `MiB RSS / heap used / caches: A ${a.rss} / ${a.heapUsed} / ${a.caches}, B ${b.rss} / ${b.heapUsed} / ${b.caches}`,
    );
  }
  console.log(`[soak] ${result.requests} requests, ${result.errors} errors; RSS spread after warm-up A ${(result.rssSpread[0] * 100).toFixed(1)} %, B ${(result.rssSpread[1] * 100).toFixed(1)} %; less the caches A ${(result.rssBesideCachesSpread[0] * 100).toFixed(1)} %, B ${(result.rssBesideCachesSpread[1] * 100).toFixed(1)} %; p99 ${result.p99SpreadMs.min}–${result.p99SpreadMs.max} ms`);
  for (const sample of result.errorSamples) console.log(`[soak] error: ${sample}`);
  if (result.errors > 0) process.exitCode = 1;
} catch (error) {
  console.error("soak failed:", error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
