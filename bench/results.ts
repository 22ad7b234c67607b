import os from "node:os";
import type { AuthenticateResult } from "./authenticate.js";
import type { HttpPlan, HttpResult } from "./http-phases.js";
import type { SqlPerRequest } from "./members-page.js";
import type { BatchVerificationResult } from "./batch-verification.js";
import type { LoginRiskResult } from "./login-risk.js";
import type { MemoryResult } from "./memory.js";
import type { PasswordHashingResult } from "./password-hashing.js";
import type { PostgresOutageResult } from "./postgres-outage.js";
import type { PropagationResult } from "./propagation.js";
import type { RefreshResult } from "./refresh.js";
import type { RequestPathPlan, ShapeResult } from "./request-path.js";
import type { TokenVerificationResult } from "./token-verification.js";

/** Resident memory of the compiled server at idle and after the users passed through, in MB. */
export const memoryTargets = { idleRssMb: 150, afterUsersRssMb: 300 };
/** `me { id email fullName }`: bare's CPU per request ÷ ours, and ours' p99 at a fixed 1,000 req/s ÷ bare's. */
export const requestPathTargets = { cpuEfficiency: 0.8, p99OverBareAtFixedRate: 1.5 };
/** Logins/s over argon2id verifies/s with as many in flight, and `me` p99 during a login burst over idle. */
export const loginTargets = { loginsPerBudgetVerify: 0.75, meP99DuringLoginsOverIdle: 2, riskCheckP99Ms: 2 };
/** The members page's targets: SQL statements per request, and its fixed-rate p99 over `me`'s. */
export const membersPageTargets = { sqlStatementsPerRequest: 3, p99OverMe: 3 };

export interface BenchMeasurements {
  plan: HttpPlan;
  http: HttpResult;
  requestPath: { method: string; storage: string; plan: RequestPathPlan; shapes: ShapeResult[] };
  memory: MemoryResult | null;
  postgresOutage: PostgresOutageResult | null;
  refresh: RefreshResult | null;
  propagation: PropagationResult | null;
  tokenVerification: TokenVerificationResult;
  authenticate: AuthenticateResult | null;
  passwordHashing: PasswordHashingResult;
  loginRisk: LoginRiskResult;
  batchVerification: BatchVerificationResult;
  sqlPerRequest: SqlPerRequest;
  notes: string[];
  elapsedSeconds: number;
  /** os.loadavg() when the run began: other work on the machine skews every figure. */
  loadAverageAtStart: number[];
}

/** Everything measured, with units in the field names, as written to bench/results.json. */
export function toResults(measured: BenchMeasurements) {
  const { http, tokenVerification, authenticate, passwordHashing } = measured;
  const ratio = (ours: number, baseline: number) => (baseline > 0 ? round(ours / baseline, 3) : null);
  return {
    date: new Date().toISOString(),
    nodeVersion: process.version,
    cpuCount: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    platform: `${os.platform()} ${os.arch()}`,
    elapsedSeconds: measured.elapsedSeconds,
    loadAverageAtStart: measured.loadAverageAtStart.map((load) => round(load, 2)),
    notes: measured.notes,
    requestPath: {
      method: measured.requestPath.method,
      storage: measured.requestPath.storage,
      plan: measured.requestPath.plan,
      shapes: measured.requestPath.shapes,
      targets: requestPathTargets,
    },
    memory: measured.memory && { ...measured.memory, targets: memoryTargets },
    postgresOutage: measured.postgresOutage,
    refresh: measured.refresh && { ...measured.refresh, targetPerSecond: 600 },
    propagation: measured.propagation && { ...measured.propagation, targetP99Ms: 100 },
    membersPage: {
      query: "company(id) { members(first: 50) { edges { node { user { fullName } role } } } }",
      saturation: http.membersPage.saturation,
      fixedRequestsPerSecond: http.membersPage.fixedRequestsPerSecond,
      fixedRate: http.membersPage.fixedRate,
      meAtSameRate: http.membersPage.meAtSameRate,
      p99OverMeAtFixedRate: ratio(http.membersPage.fixedRate.p99Ms, http.membersPage.meAtSameRate.p99Ms),
      sqlStatementsPerRequest: measured.sqlPerRequest.membersPage,
      meSqlStatementsPerRequest: measured.sqlPerRequest.me,
      targets: membersPageTargets,
    },
    tokenVerification,
    authenticate,
    batchVerification: { ...measured.batchVerification, targetP99Ms: 50 },
    login: {
      throughput: http.login.throughput,
      argon2id: passwordHashing,
      loginsPerArgon2VerifyOnOneCore: ratio(http.login.throughput.requestsPerSecond, passwordHashing.verify.opsPerSecond),
      loginsPerBudgetVerify: ratio(http.login.throughput.requestsPerSecond, passwordHashing.budgetVerify.opsPerSecond),
      loginsPerMachineVerify: ratio(http.login.throughput.requestsPerSecond, passwordHashing.machineVerify.opsPerSecond),
      meRequestsPerSecond: http.login.meRequestsPerSecond,
      meIdle: http.login.meIdle,
      meDuringLogins: http.login.meDuringLogins,
      loginsDuringMe: http.login.loginsDuringMe,
      meP99DuringLoginsOverIdle: ratio(http.login.meDuringLogins.p99Ms, http.login.meIdle.p99Ms),
      riskCheck: measured.loginRisk,
      targets: loginTargets,
    },
  };
}

export type BenchResults = ReturnType<typeof toResults>;

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
