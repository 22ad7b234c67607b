import { DomainError, ErrorCode } from "../../platform/errors.js";
import type { LoginRisk } from "../security/login-risk.js";

/** How a password sign-in (`login`) ended. */
export type LoginResult = "success" | "mfa_required" | "failure" | "locked" | "suspended" | "rate_limited" | "error";

/** What a user did, for the first seed's `user_activity` counter. A closed set: each value is a time series. */
export type UserActivity = "register" | "login" | "logout" | "refresh" | "mfa_verify" | "password_change" | "password_reset";

/** The login-risk verdict as a level; `none` where no assessment was made (SSO, a second factor, anything but a login). */
export type RiskLevel = "none" | "low" | "medium" | "high";

/** What the auth services report at their decision points; the platform's metrics implement it. */
export interface AuthMetrics {
  recordLogin(result: LoginResult): void;
  recordRefresh(succeeded: boolean): void;
  recordActivity(activity: UserActivity, risk: RiskLevel): void;
}

export const loginResults: readonly LoginResult[] = ["success", "mfa_required", "failure", "locked", "suspended", "rate_limited", "error"];
export const userActivities: readonly UserActivity[] = ["register", "login", "logout", "refresh", "mfa_verify", "password_change", "password_reset"];
export const riskLevels: readonly RiskLevel[] = ["none", "low", "medium", "high"];

export function riskLevelOf(risk: LoginRisk): RiskLevel {
  return risk.verdict === "lock" ? "high" : risk.verdict === "step_up" ? "medium" : "low";
}

/** The result of a login that threw. */
export function failedLoginResult(error: unknown): LoginResult {
  if (!(error instanceof DomainError)) return "error";
  if (error.code === ErrorCode.INVALID_CREDENTIALS) return "failure";
  if (error.code === ErrorCode.ACCOUNT_LOCKED) return "locked";
  if (error.code === ErrorCode.ACCOUNT_SUSPENDED) return "suspended";
  if (error.code === ErrorCode.RATE_LIMITED) return "rate_limited";
  return "error";
}
