import { describe, expect, it } from "vitest";
import { assessLogin, networkOf, type LoginHistory, type LoginRiskPolicy } from "./login-risk.js";

const policy: LoginRiskPolicy = { failedLoginsPerHour: 5, maxActiveSessions: 5, minHistory: 3, usualHourSpread: 2, stepUpPatterns: 2, lockScore: 0.8, lockSeconds: 900 };
const at = (hour: number) => new Date(Date.UTC(2026, 11, 1, hour, 15));
const usual = { ip: "192.0.2.10", userAgent: "laptop" };
const history = (overrides: Partial<LoginHistory> = {}): LoginHistory => ({
  failedLastHour: 0,
  activeSessions: 1,
  earlier: [9, 10, 11].map((hour) => ({ ...usual, at: at(hour) })),
  ...overrides,
});

describe("assessLogin", () => {
  it("sees nothing in a sign-in like the earlier ones", () => {
    expect(assessLogin(policy, history(), { ...usual, ip: "192.0.2.99", at: at(13) })).toEqual({ patterns: [], score: 0, verdict: "allow" });
  });

  it("names each pattern, and steps up at two", () => {
    expect(assessLogin(policy, history(), { ...usual, at: at(22) }).patterns).toEqual(["unusual_time"]);
    expect(assessLogin(policy, history({ activeSessions: 6 }), { ...usual, at: at(10) }).patterns).toEqual(["excessive_sessions"]);
    expect(assessLogin(policy, history({ failedLastHour: 5 }), { ...usual, at: at(10) }).patterns).toEqual(["multiple_failed_logins"]);
    expect(assessLogin(policy, history(), { ip: "203.0.113.1", userAgent: "laptop", at: at(10) })).toEqual({ patterns: ["unusual_location"], score: 0.3, verdict: "allow" });
    expect(assessLogin(policy, history(), { ip: "203.0.113.1", userAgent: "phone", at: at(10) })).toEqual({ patterns: ["unusual_location", "new_device"], score: 0.5, verdict: "step_up" });
  });

  it("treats the hours around midnight as near each other", () => {
    const nightOwl = history({ earlier: [23, 23, 0].map((hour) => ({ ...usual, at: at(hour) })) });
    expect(assessLogin(policy, nightOwl, { ...usual, at: at(1) }).patterns).toEqual([]);
  });

  it("judges location, time and device only after enough earlier sign-ins", () => {
    const newcomer = history({ earlier: [{ ...usual, at: at(10) }] });
    expect(assessLogin(policy, newcomer, { ip: "203.0.113.1", userAgent: "phone", at: at(22) }).patterns).toEqual([]);
  });

  it("locks at a high score", () => {
    const attack = assessLogin(policy, history({ failedLastHour: 9 }), { ip: "203.0.113.1", userAgent: "curl", at: at(10) });
    expect(attack).toEqual({ patterns: ["multiple_failed_logins", "unusual_location", "new_device"], score: 0.85, verdict: "lock" });
  });
});

describe("networkOf", () => {
  it("groups IPv4 by /24 and IPv6 by /48, mapped IPv4 as IPv4", () => {
    expect(networkOf("192.0.2.77")).toBe("192.0.2.0/24");
    expect(networkOf("::ffff:192.0.2.77")).toBe("192.0.2.0/24");
    expect(networkOf("2001:db8:abcd:12::1")).toBe(networkOf("2001:0db8:abcd:ffff::9"));
    expect(networkOf("2001:db8:abcd::1")).not.toBe(networkOf("2001:db8:abce::1"));
    expect(networkOf("not an ip")).toBeNull();
    expect(networkOf(null)).toBeNull();
  });
});
