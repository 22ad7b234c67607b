import type { LoadResult } from "./http-load.js";
import { describeNodeEnv } from "./production-node.js";
import { type BenchResults, round } from "./results.js";
import type { LoopResult } from "./timing.js";

/** The human-readable summary of one run. */
export function printReport(results: BenchResults): void {
  const { requestPath, tokenVerification, authenticate, login } = results;
  console.log(`\nUser Management bench — ${results.date}, node ${results.nodeVersion}, ${results.cpuCount} × ${results.cpuModel}`);
  console.log(`load average at start (1, 5, 15 min): ${results.loadAverageAtStart.join(", ")}`);
  console.log(`request path: ${requestPath.method}; ours on ${requestPath.storage}\n`);

  const { plan } = requestPath;
  printTable(
    `1. Request path, ours beside a bare Apollo subgraph: CPU µs/request least of ${plan.rounds} rounds each, and bare÷ours within each round (median, quartiles); req/s median of ${plan.pairs} interleaved ${plan.pairSeconds} s pairs at ${plan.saturationConnections} connections; latency median of ${plan.fixedRateWindows} ${plan.fixedRateSeconds} s windows`,
    [
      ["shape", "CPU µs ours", "bare", "bare÷ours", "paired (IQR)", "req/s ours", "bare", "ratio", "fixed req/s", "p50 ours", "bare", "p99 ours", "bare", "p99 ratio", "redis/req", "sql/req", "major GC/10k", "failed"],
      ...requestPath.shapes.map((shape) => [
        shape.name,
        `${shape.cpuMicrosPerRequest.ours}`,
        `${shape.cpuMicrosPerRequest.bare}`,
        `${shape.cpuEfficiency}`,
        `${shape.cpuEfficiencyPaired.median} (${shape.cpuEfficiencyPaired.lowerQuartile}–${shape.cpuEfficiencyPaired.upperQuartile})`,
        `${shape.throughput.ours}`,
        `${shape.throughput.bare}`,
        `${shape.throughput.ratio}`,
        `${shape.fixedRate.requestsPerSecond}`,
        shape.fixedRate.ours.p50Ms.toFixed(2),
        shape.fixedRate.bare.p50Ms.toFixed(2),
        shape.fixedRate.ours.p99Ms.toFixed(2),
        shape.fixedRate.bare.p99Ms.toFixed(2),
        `${shape.fixedRate.p99Ratio}`,
        `${shape.perRequest.redisCommands}`,
        `${shape.perRequest.sqlStatements}`,
        `${shape.majorCollectionsPer10k}`,
        `${shape.failedResponses}`,
      ]),
    ],
  );
  console.log(`   targets for me-profile: bare÷ours CPU ≥ ${requestPath.targets.cpuEfficiency}, p99 ratio at 1,000 req/s ≤ ${requestPath.targets.p99OverBareAtFixedRate}\n`);

  const tokenRows = [
    ["what", "ops/s", "p50 µs", "p99 µs"],
    loopRow("verifyAccessToken + principal, cached token", tokenVerification.cachedToken),
    loopRow("verifyAccessToken + principal, uncached", tokenVerification.uncachedToken),
    loopRow("bare jose jwtVerify, same token and key", tokenVerification.bareJoseJwtVerify),
  ];
  if (authenticate) {
    tokenRows.push(loopRow("deps.authenticate(header), cached token", authenticate.cachedToken));
    tokenRows.push(loopRow(`deps.authenticate(header), ${authenticate.uncachedPoolSize} tokens cycled`, authenticate.uncachedToken));
  }
  printTable("3. Token verification in process (one call at a time)", tokenRows);
  if (authenticate) console.log(`   deps.authenticate tokens: ${authenticate.tokenSource}\n`);

  const { argon2id } = login;
  const params = `m=${argon2id.parameters.memoryCost} KiB, t=${argon2id.parameters.timeCost}, p=${argon2id.parameters.parallelism}`;
  const riskRow = (database: string, assessment: LoopResult) => [
    `suspicious-login check (${login.riskCheck.historyRows} earlier attempts, ${database})`,
    `${assessment.opsPerSecond}`,
    ms(assessment.p50Micros),
    ms(assessment.p99Micros),
    `target p99 < ${login.targets.riskCheckP99Ms} ms`,
  ];
  const loginRows = [
    ["what", "per s", "p50 ms", "p99 ms", "failed"],
    loadRow("login mutation over HTTP", login.throughput),
    [`argon2id hash, one core (${params})`, `${argon2id.hash.opsPerSecond}`, ms(argon2id.hash.p50Micros), ms(argon2id.hash.p99Micros), ""],
    [`argon2id verify, one core`, `${argon2id.verify.opsPerSecond}`, ms(argon2id.verify.p50Micros), ms(argon2id.verify.p99Micros), ""],
    [`argon2id verify, ${argon2id.budgetVerify.concurrency} in flight (the server's hashing concurrency)`, `${argon2id.budgetVerify.opsPerSecond}`, "", "", ""],
    [`argon2id verify, ${argon2id.machineVerify.concurrency} in flight (every core)`, `${argon2id.machineVerify.opsPerSecond}`, "", "", ""],
    ["logins/s ÷ verifies/s on one core", `${login.loginsPerArgon2VerifyOnOneCore ?? "n/a"}`, "", "", ""],
    [`logins/s ÷ verifies/s at the server's hashing concurrency`, `${login.loginsPerBudgetVerify ?? "n/a"}`, "", "", `target ≥ ${login.targets.loginsPerBudgetVerify}`],
    [`logins/s ÷ verifies/s on every core`, `${login.loginsPerMachineVerify ?? "n/a"}`, "", "", ""],
    loadRow(`me at ${login.meRequestsPerSecond} req/s, idle`, login.meIdle),
    loadRow(`me at ${login.meRequestsPerSecond} req/s, during logins`, login.meDuringLogins),
    loadRow("logins during that", login.loginsDuringMe),
    ["me p99 during logins ÷ idle", "", "", `${login.meP99DuringLoginsOverIdle ?? "n/a"}`, `target ≤ ${login.targets.meP99DuringLoginsOverIdle}`],
    riskRow("PGlite", login.riskCheck.assessment),
  ];
  if (login.riskCheck.onPostgres) loginRows.push(riskRow("PostgreSQL", login.riskCheck.onPostgres));
  printTable("4. Login", loginRows);

  const { membersPage } = results;
  printTable(`5. Members page: ${membersPage.query}`, [
    ["run", "req/s", "p50 ms", "p99 ms", "failed"],
    loadRow("saturation", membersPage.saturation),
    loadRow(`fixed rate ${membersPage.fixedRequestsPerSecond} req/s`, membersPage.fixedRate),
    loadRow(`me at the same rate`, membersPage.meAtSameRate),
    ["p99 ÷ me p99 at the same rate", "", "", `${membersPage.p99OverMeAtFixedRate ?? "n/a"}`, `target ≤ ${membersPage.targets.p99OverMe}`],
    ["SQL statements per request", `${membersPage.sqlStatementsPerRequest}`, "", "", `target ≤ ${membersPage.targets.sqlStatementsPerRequest}`],
    ["SQL statements per me request", `${membersPage.meSqlStatementsPerRequest}`, "", "", ""],
  ]);

  const { batchVerification } = results;
  printTable(`6. verifyUsers: ${batchVerification.ids} ids, ${batchVerification.members} of them members (one call at a time)`, [
    ["what", "per s", "p50 ms", "p99 ms", "target"],
    ["batch", `${batchVerification.batch.opsPerSecond}`, ms(batchVerification.batch.p50Micros), ms(batchVerification.batch.p99Micros), `p99 ≤ ${batchVerification.targetP99Ms} ms`],
  ]);

  const { memory, postgresOutage } = results;
  if (memory) {
    printTable(`7. Memory of the compiled server (${memory.entry.replace(/^.*\/build\//, "build/")}, ${describeNodeEnv(memory.nodeEnv)}): ${memory.users} distinct users' contexts and sessions at ${memory.requestsPerSecond} req/s`, [
      ["when", "RSS MB", "heap used MB", "live heap MB", "target RSS"],
      ["idle", `${memory.idle.rssMb}`, `${memory.idle.heapUsedMb}`, "", `≤ ${memory.targets.idleRssMb}`],
      ["after the users", `${memory.afterUsers.rssMb}`, `${memory.afterUsers.heapUsedMb}`, `${memory.afterUsers.liveHeapMb ?? ""}`, `≤ ${memory.targets.afterUsersRssMb}`],
    ]);
    const caches = Object.keys(memory.afterUsers.cachesMb);
    printTable("   the in-process caches' estimated MB (cache_estimated_bytes)", [
      ["when", ...caches, "all"],
      ...(["idle", "afterUsers"] as const).map((when) => {
        const mb = caches.map((cache) => memory[when].cachesMb[cache] ?? 0);
        return [when === "idle" ? "idle" : "after the users", ...mb.map(String), `${round(mb.reduce((sum, value) => sum + value, 0), 1)}`];
      }),
    ]);
  }
  if (postgresOutage) {
    const { outage, healthy } = postgresOutage;
    printTable(`8. PostgreSQL stopped and started under load (private cluster, ${postgresOutage.users} users, connect timeout ${postgresOutage.connectTimeoutMs} ms)`, [
      ["phase", "answers", "p50 ms", "p99 ms", "max ms", "SERVICE_UNAVAILABLE", "other errors"],
      ["healthy", `${healthy.answers}`, `${healthy.p50Ms}`, `${healthy.p99Ms}`, `${healthy.maxMs}`, "", ""],
      ["outage", `${outage.answers}`, `${outage.p50Ms}`, `${outage.p99Ms}`, `${outage.maxMs}`, `${outage.unavailable}`, `${outage.otherErrors}`],
      [`recovered ${postgresOutage.recoveryMs} ms after the restart; answers with another user's data: ${postgresOutage.wrongUserAnswers}`, "", "", "", "", "", ""],
    ]);
  }

  const { refresh, propagation } = results;
  if (refresh) {
    printTable(`9. refreshToken rotations: ${refresh.sessions} sessions, each a chain of sequential rotations, all at once for ${refresh.durationSeconds} s`, [
      ["refreshes/s", "p50 ms", "p99 ms", "failures", "target"],
      [`${refresh.refreshesPerSecond}`, `${refresh.p50Ms}`, `${refresh.p99Ms}`, `${refresh.failures}`, `≥ ${refresh.targetPerSecond}/s`],
    ]);
  }
  if (propagation) {
    printTable(`10. Two replicas: from A's answer to B's first answer showing the change (polled every ${propagation.pollIntervalMs} ms)`, [
      ["change", "trials", "failures", "p50 ms", "p95 ms", "p99 ms", "max ms", "target p99"],
      ...Object.entries(propagation.kinds).map(([kind, figures]) => [kind, `${figures.trials}`, `${figures.failures}`, `${figures.p50Ms}`, `${figures.p95Ms}`, `${figures.p99Ms}`, `${figures.maxMs}`, `≤ ${propagation.targetP99Ms}`]),
    ]);
  }

  for (const note of results.notes) console.log(`note: ${note}`);
  console.log(`total ${results.elapsedSeconds} s; figures written to bench/results.json`);
}

function loadRow(name: string, load: LoadResult): string[] {
  return [name, `${load.requestsPerSecond}`, load.p50Ms.toFixed(2), load.p99Ms.toFixed(2), `${load.failedResponses}`];
}

function loopRow(name: string, loop: LoopResult): string[] {
  return [name, `${loop.opsPerSecond}`, `${round(loop.p50Micros, 1)}`, `${round(loop.p99Micros, 1)}`];
}

function ms(micros: number): string {
  return (micros / 1000).toFixed(2);
}

function printTable(title: string, rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  console.log(title);
  rows.forEach((row, index) => {
    const cells = row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)));
    console.log(`   ${cells.join("  ")}`);
    if (index === 0) console.log(`   ${widths.map((width) => "-".repeat(width)).join("  ")}`);
  });
  console.log("");
}
