import { isIPv4, isIPv6 } from "node:net";

/** The seeds' SecurityMonitor patterns, as they appear in SecurityEvent.patterns. */
export type LoginPattern = "multiple_failed_logins" | "unusual_location" | "unusual_time" | "excessive_sessions" | "new_device";

export interface LoginRiskPolicy {
  /** Failed sign-ins in the last hour that make `multiple_failed_logins`. */
  failedLoginsPerHour: number;
  /** Active sessions above which a sign-in is `excessive_sessions`. */
  maxActiveSessions: number;
  /** Successful sign-ins needed before location, time and device are judged against them. */
  minHistory: number;
  /** An hour of the day within this many hours of an earlier sign-in's hour is usual. */
  usualHourSpread: number;
  /** Patterns at or above this count ask for a second step before tokens are issued. */
  stepUpPatterns: number;
  /** A score at or above this locks the account for `lockSeconds` and alerts the user. */
  lockScore: number;
  lockSeconds: number;
}

/** How much each pattern adds to the score (capped at 1). */
const weights: Record<LoginPattern, number> = {
  multiple_failed_logins: 0.35,
  unusual_location: 0.3,
  new_device: 0.2,
  excessive_sessions: 0.15,
  unusual_time: 0.1,
};

export interface LoginHistory {
  failedLastHour: number;
  activeSessions: number;
  /** Earlier successful sign-ins, newest first. */
  earlier: { ip: string | null; userAgent: string | null; at: Date }[];
}

export interface LoginRisk {
  patterns: LoginPattern[];
  score: number;
  verdict: "allow" | "step_up" | "lock";
}

/** The network an address belongs to for `unusual_location`: IPv4 /24, IPv6 /48. */
export function networkOf(ip: string | null): string | null {
  if (!ip) return null;
  const address = ip.startsWith("::ffff:") && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(address)) return `${address.split(".").slice(0, 3).join(".")}.0/24`;
  if (!isIPv6(address)) return null;
  return `${expandIpv6(address).slice(0, 3).join(":")}::/48`;
}

function expandIpv6(address: string): string[] {
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = address.includes("::") ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""));
}

/** Hours apart on a 24-hour clock (23:00 and 01:00 are 2 apart). */
function hoursApart(a: number, b: number): number {
  const distance = Math.abs(a - b) % 24;
  return Math.min(distance, 24 - distance);
}

/** Judges one sign-in that gave the right password against the user's history. */
export function assessLogin(policy: LoginRiskPolicy, history: LoginHistory, attempt: { ip: string | null; userAgent: string | null; at: Date }): LoginRisk {
  const patterns: LoginPattern[] = [];
  if (history.failedLastHour >= policy.failedLoginsPerHour) patterns.push("multiple_failed_logins");
  if (history.earlier.length >= policy.minHistory) {
    const network = networkOf(attempt.ip);
    if (network && !history.earlier.some((login) => networkOf(login.ip) === network)) patterns.push("unusual_location");
    const hour = attempt.at.getUTCHours();
    if (!history.earlier.some((login) => hoursApart(login.at.getUTCHours(), hour) <= policy.usualHourSpread)) patterns.push("unusual_time");
    if (attempt.userAgent && !history.earlier.some((login) => login.userAgent === attempt.userAgent)) patterns.push("new_device");
  }
  if (history.activeSessions > policy.maxActiveSessions) patterns.push("excessive_sessions");
  const score = Math.min(1, Math.round(patterns.reduce((sum, pattern) => sum + weights[pattern], 0) * 100) / 100);
  const verdict = score >= policy.lockScore ? "lock" : patterns.length >= policy.stepUpPatterns ? "step_up" : "allow";
  return { patterns, score, verdict };
}
