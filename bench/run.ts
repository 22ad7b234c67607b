import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type AuthenticateResult, measureAuthenticate } from "./authenticate.js";
import { cleanUp } from "./cleanup.js";
import { type HttpPlan, measureHttp } from "./http-phases.js";
import { measureSqlPerRequest } from "./members-page.js";
import { measureBatchVerification } from "./batch-verification.js";
import { measureLoginRisk } from "./login-risk.js";
import { measureMemory, type MemoryResult } from "./memory.js";
import { describeNodeEnv, productionNodeEnv } from "./production-node.js";
import { measurePostgresOutage, type PostgresOutageResult } from "./postgres-outage.js";
import { measurePropagation, type PropagationResult } from "./propagation.js";
import { measureRefresh, type RefreshResult } from "./refresh.js";
import { measurePasswordHashing } from "./password-hashing.js";
import { printReport } from "./report.js";
import { toResults } from "./results.js";
import { Redis } from "ioredis";
import { createBenchStorage } from "./bench-services.js";
import { type CompiledServers, compileServers } from "./compiled-servers.js";
import { measureShape, type RequestPathPlan, type ShapeResult } from "./request-path.js";
import { prepareShapes } from "./request-shapes.js";
import { repoRoot, startServerProcess } from "./server-process.js";
import { makeTempDir } from "./temp-dir.js";
import { measureTokenVerification } from "./token-verification.js";

const inProcessDurationMs = 2_000;

// Seeding and the login phase register and sign in many accounts from one address: the bench measures
// their cost, not the rate limiter's refusals. Every server and in-process deps object reads these.
Object.assign(process.env, { RATE_LIMIT_LOGIN_PER_IP: "off", RATE_LIMIT_LOGIN_PER_ACCOUNT: "off", RATE_LIMIT_REGISTER_PER_IP: "off" });
const passwordHashingDurationMs = 3_000;

async function main(): Promise<void> {
  const startedAt = Date.now();
  const loadAverageAtStart = os.loadavg();
  const notes: string[] = [];
  const plan: HttpPlan = {
    warmupSeconds: 3,
    saturation: { connections: 50, durationSeconds: 10 },
    fixedRate: { connections: 10, durationSeconds: 10, preferredRequestsPerSecond: 1_000 },
    login: { connections: 10, durationSeconds: 10, warmupSeconds: 2, meRequestsPerSecond: 200 },
  };
  const user = { email: `bench-${randomUUID()}@example.com`, password: `Bench-${randomUUID()}`, fullName: "Bench User" };

  progress("compiling our server and the bare baseline (production runs compiled JavaScript)");
  const compiled = await compileServers();
  progress("request path: every shape on ours beside the bare server, rounds alternating");
  const requestPath = await measureRequestPath(compiled, user, notes);
  progress("HTTP: logins beside me, the members page beside me");
  const http = await measureHttp(plan, user, { entry: compiled.ours, env: { ...(await createBenchStorage("http")).env, LOG_LEVEL: "warn", GRAPHQL_PLAYGROUND: "false" } });
  progress("in process: token verification");
  const tokenVerification = await measureTokenVerification(inProcessDurationMs);
  progress("in process: deps.authenticate on a real deps object");
  const authenticate = await measureAuthenticateOrNote(notes);
  progress("in process: SQL statements per request (me, members page)");
  const sqlPerRequest = await measureSqlPerRequest({ dataDir: await makeTempDir("um-bench-sql-"), requests: 20 });
  progress("in process: the suspicious-login check");
  const loginRisk = await measureLoginRisk({ dataDir: await makeTempDir("um-bench-risk-"), durationMs: inProcessDurationMs });
  progress("in process: batch verification of 1,000 ids");
  const batchVerification = await measureBatchVerification({ dataDir: await makeTempDir("um-bench-batch-"), durationMs: inProcessDurationMs });
  const serverUrls = { databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL };
  let memory: MemoryResult | null = null;
  let postgresOutage: PostgresOutageResult | null = null;
  let refresh: RefreshResult | null = null;
  let propagation: PropagationResult | null = null;
  if (serverUrls.databaseUrl && serverUrls.redisUrl) {
    const users = Number(process.env.BENCH_MEMORY_USERS ?? 100_000);
    progress(`memory: idle, then after ${users} distinct users' contexts and sessions`);
    memory = await measureMemory({ databaseUrl: serverUrls.databaseUrl, redisUrl: serverUrls.redisUrl, users, entry: compiled.ours, nodeEnv: productionNodeEnv() });
    progress("PostgreSQL restarted under load (a private cluster)");
    postgresOutage = await measurePostgresOutage({ users: 8, outageMs: 2_000 });
    progress("refreshToken chains on 200 sessions at once");
    refresh = await measureRefresh({ sessions: 200, durationSeconds: 10, entry: compiled.ours });
    progress("two replicas: 100 trials of each change made on A, until B shows it");
    propagation = await measurePropagation({ trials: 100, pollIntervalMs: 1, timeoutMs: 2_000, entry: compiled.ours });
  } else {
    notes.push("memory, PostgreSQL outage, refresh and two-replica phases skipped: they need DATABASE_URL and REDIS_URL");
  }
  progress("in process: argon2id");
  const passwordHashing = await measurePasswordHashing(passwordHashingDurationMs, plan.login.connections);

  const loads = {
    login: http.login.throughput,
    "me during logins": http.login.meDuringLogins,
    "logins during me": http.login.loginsDuringMe,
    "members page, saturation": http.membersPage.saturation,
    "members page, fixed rate": http.membersPage.fixedRate,
    "me at the members page's rate": http.membersPage.meAtSameRate,
  };
  for (const [name, load] of Object.entries(loads)) {
    if (load.failedResponses > 0) notes.push(`${name}: ${load.failedResponses} failed or wrong responses, not counted in req/s`);
  }
  const elapsedSeconds = Math.round((Date.now() - startedAt) / 1000);
  const results = toResults({ plan, http, requestPath, memory, postgresOutage, refresh, propagation, tokenVerification, authenticate, passwordHashing, loginRisk, batchVerification, sqlPerRequest, notes, elapsedSeconds, loadAverageAtStart });
  await writeFile(path.join(repoRoot, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  printReport(results);
}

async function measureAuthenticateOrNote(notes: string[]): Promise<AuthenticateResult | null> {
  try {
    return await measureAuthenticate({ dataDir: await makeTempDir("um-bench-deps-"), durationMs: inProcessDurationMs });
  } catch (error) {
    notes.push(`deps.authenticate skipped: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

const requestPathPlan: RequestPathPlan = {
  rounds: 16,
  roundConnections: 10,
  pairs: 5,
  pairSeconds: 3,
  saturationConnections: 50,
  fixedRateWindows: 3,
  fixedRateSeconds: 5,
  fixedRateConnections: 10,
};

async function measureRequestPath(compiled: CompiledServers, user: { email: string; password: string; fullName: string }, notes: string[]) {
  const storage = await createBenchStorage("path");
  // Its own account: the login phases register `user` on another server.
  const pathUser = { ...user, email: `path-${user.email}` };
  // Both as production starts Node.js: its young generation of 4 MB makes more scavenges than V8's default.
  const nodeEnv = productionNodeEnv();
  const ours = await startServerProcess({ name: "user-management server", entry: compiled.ours, env: { ...nodeEnv, ...storage.env, LOG_LEVEL: "warn", GRAPHQL_PLAYGROUND: "false" } });
  const bare = await startServerProcess({ name: "bare Apollo subgraph", entry: compiled.bare, env: { ...nodeEnv, BENCH_USER_EMAIL: pathUser.email, BENCH_USER_FULL_NAME: pathUser.fullName } });
  const redis = new Redis(storage.redisUrl);
  try {
    const only = process.env.BENCH_SHAPES?.split(",");
    const shapes = (await prepareShapes(ours, bare, pathUser)).filter((shape) => !only || only.includes(shape.name));
    const results: ShapeResult[] = [];
    for (const shape of shapes) {
      progress(`request path: ${shape.name}`);
      const result = await measureShape(shape, { ours, bare, redis }, requestPathPlan);
      if (result.failedResponses > 0) notes.push(`request path ${shape.name}: ${result.failedResponses} failed or wrong responses, not counted`);
      results.push(result);
    }
    const method = `compiled (npm run build; esbuild for the bare server), both with ${describeNodeEnv(nodeEnv)}, schedstat CPU of the server process, autocannon on the same machine`;
    return { method, storage: storage.description, plan: requestPathPlan, shapes: results };
  } finally {
    redis.disconnect();
    await Promise.all([ours.stop(), bare.stop()]);
  }
}

function progress(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping servers and removing temp dirs`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  console.error("bench failed:", error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
