import { describe, expect, it } from "vitest";
import { prorate } from "./proration.js";
import { periodEnd } from "./tiers.js";

const utc = (iso: string) => new Date(`${iso}Z`);
const march = { periodStart: utc("2026-03-01T00:00:00"), periodEnd: utc("2026-04-01T00:00:00") }; // 31 days
const leapYear = { periodStart: utc("2028-01-01T00:00:00"), periodEnd: utc("2029-01-01T00:00:00") }; // 366 days, Feb 29 inside
const plainYear = { periodStart: utc("2026-01-01T00:00:00"), periodEnd: utc("2027-01-01T00:00:00") };

describe("prorate", () => {
  it.each([
    // name, period, at, current → next price, restarts, expected credit, charge, amount
    ["mid-period PRO → ENTERPRISE (exactly half left)", march, "2026-03-16T12:00:00", 4_900, 19_900, false, 2_450, 9_950, 7_500],
    ["first second: the whole difference", march, "2026-03-01T00:00:00", 4_900, 19_900, false, 4_900, 19_900, 15_000],
    ["last second: rounds to nothing", march, "2026-03-31T23:59:59", 4_900, 19_900, false, 0, 0, 0],
    ["after the period's end: nothing left", march, "2026-04-02T00:00:00", 4_900, 19_900, false, 0, 0, 0],
    ["leap year: yearly PRO → ENTERPRISE from Mar 1, 306 of 366 days left", leapYear, "2028-03-01T00:00:00", 49_000, 199_000, false, 40_967, 166_377, 125_410],
    ["monthly → yearly: credit of the unused month, the whole year charged", march, "2026-03-16T12:00:00", 4_900, 49_000, true, 2_450, 49_000, 46_550],
    ["yearly → monthly: a credit above the charge is not paid out", plainYear, "2026-07-02T12:00:00", 49_000, 4_900, true, 24_500, 4_900, 0],
    ["a lower price in the same period is never negative", march, "2026-03-16T12:00:00", 19_900, 4_900, false, 9_950, 2_450, 0],
  ] as const)("%s", (_name, period, at, currentPriceCents, nextPriceCents, restartsPeriod, creditCents, chargeCents, amountCents) => {
    const result = prorate({ ...period, at: utc(at), currentPriceCents, nextPriceCents, restartsPeriod, currentLabel: "old", nextLabel: "new" });
    expect({ creditCents: result.creditCents, chargeCents: result.chargeCents, amountCents: result.amountCents }).toEqual({ creditCents, chargeCents, amountCents });
  });

  it("counts whole seconds left: 1 of 3 seconds of 1000 cents is 333, a part of a second is none", () => {
    const threeSeconds = { periodStart: utc("2026-01-01T00:00:00"), periodEnd: utc("2026-01-01T00:00:03") };
    const at = (iso: string) =>
      prorate({ ...threeSeconds, at: utc(iso), currentPriceCents: 0, nextPriceCents: 1_000, restartsPeriod: false, currentLabel: "FREE", nextLabel: "new" });
    expect(at("2026-01-01T00:00:01.900")).toMatchObject({ secondsLeft: 1, secondsInPeriod: 3, amountCents: 333 });
    expect(at("2026-01-01T00:00:02.400")).toMatchObject({ secondsLeft: 0, amountCents: 0 });
  });

  it("itemises the credit as a negative line and the charge as a positive one", () => {
    const result = prorate({ ...march, at: utc("2026-03-16T12:00:00"), currentPriceCents: 4_900, nextPriceCents: 19_900, restartsPeriod: false, currentLabel: "PRO (monthly)", nextLabel: "ENTERPRISE (monthly)" });
    expect(result.lines).toEqual([
      { description: "Unused time on PRO (monthly) (1339200 of 2678400 seconds)", amountCents: -2_450 },
      { description: "ENTERPRISE (monthly) for the rest of the period (1339200 of 2678400 seconds)", amountCents: 9_950 },
    ]);
  });
});

describe("periodEnd", () => {
  it.each([
    ["2026-01-15T10:00:00", "MONTHLY", "2026-02-15T10:00:00"],
    ["2028-01-31T00:00:00", "MONTHLY", "2028-02-29T00:00:00"],
    ["2027-01-31T00:00:00", "MONTHLY", "2027-02-28T00:00:00"],
    ["2026-12-31T23:00:00", "MONTHLY", "2027-01-31T23:00:00"],
    ["2028-02-29T00:00:00", "YEARLY", "2029-02-28T00:00:00"],
    ["2028-01-01T00:00:00", "YEARLY", "2029-01-01T00:00:00"],
  ] as const)("%s + one %s period = %s", (start, cycle, end) => {
    expect(periodEnd(utc(start), cycle)).toEqual(utc(end));
  });
});
