import type { Registry } from "prom-client";
import {
  loginResults,
  riskLevels,
  userActivities,
  type AuthMetrics,
  type LoginResult,
  type RiskLevel,
  type UserActivity,
} from "../../modules/auth/auth-metrics.js";
import { accessTokenRejections, type AccessTokenRejection } from "../tokens/index.js";
import { RollingMean, recentWindow } from "./rolling-mean.js";
import { tallyCounter, type Tally } from "./tally-counter.js";

/** How checking a request's bearer token ended. */
export type TokenCheck = "valid" | "malformed_header" | "session_ended" | AccessTokenRejection;

const tokenChecks: readonly TokenCheck[] = ["valid", "malformed_header", "session_ended", ...accessTokenRejections];

/** The auth services' AuthMetrics, plus bearer-token checks, as Prometheus counters and recent means. */
export interface AuthRecorder extends AuthMetrics {
  recordTokenCheck(check: TokenCheck, durationMs: number): void;
  /** Mean duration of a bearer-token check over the recent window, null without one. */
  meanTokenCheckMs(): number | null;
  /** Share of bearer-token checks that passed over the recent window, null without one. */
  tokenSuccessRate(): number | null;
}

/** A series per value, made up front so each exists (at 0) from the start. */
function seriesOf<Value extends string>(counter: ReturnType<typeof tallyCounter>, values: readonly Value[], ...prefix: string[]): Record<Value, Tally> {
  const series = {} as Record<Value, Tally>;
  for (const value of values) series[value] = counter.series(...prefix, value);
  return series;
}

export function createAuthRecorder(registry: Registry): AuthRecorder {
  const logins = seriesOf(tallyCounter(registry, { name: "auth_logins_total", help: "Password sign-ins (login) by result.", labelNames: ["result"] }), loginResults);
  const refreshes = seriesOf(
    tallyCounter(registry, { name: "auth_refreshes_total", help: "Refresh-token rotations by result.", labelNames: ["result"] }),
    ["success", "failure"] as const,
  );
  const checks = seriesOf(
    tallyCounter(registry, { name: "auth_token_checks_total", help: "Bearer tokens checked on requests, by result (valid or why refused).", labelNames: ["result"] }),
    tokenChecks,
  );
  const activityCounter = tallyCounter(registry, {
    name: "user_activity_total",
    help: "What users did, by activity type and login-risk level (none where not assessed).",
    labelNames: ["activity_type", "risk_level"],
  });
  const activities = {} as Record<UserActivity, Record<RiskLevel, Tally>>;
  for (const activity of userActivities) activities[activity] = seriesOf(activityCounter, riskLevels, activity);
  const checkDurations = new RollingMean(recentWindow);
  const checkSuccesses = new RollingMean(recentWindow);

  return {
    recordLogin(result: LoginResult) {
      logins[result].inc();
    },
    recordRefresh(succeeded: boolean) {
      refreshes[succeeded ? "success" : "failure"].inc();
    },
    recordActivity(activity: UserActivity, risk: RiskLevel) {
      activities[activity][risk].inc();
    },
    recordTokenCheck(check: TokenCheck, durationMs: number) {
      checks[check].inc();
      checkDurations.record(durationMs);
      checkSuccesses.record(check === "valid" ? 1 : 0);
    },
    meanTokenCheckMs: () => checkDurations.mean(),
    tokenSuccessRate: () => checkSuccesses.mean(),
  };
}
