import { describe, expect, it } from "vitest";
import { compareTiers, featuresOf, tierHasFeature } from "./tiers.js";

describe("subscription tiers", () => {
  it("lists the seed's features for each tier", () => {
    expect(featuresOf("FREE")).toEqual(["basic_trading_signals", "limited_backtesting", "basic_analytics", "email_notifications"]);
    expect(featuresOf("PRO")).toHaveLength(7);
    expect(featuresOf("ENTERPRISE")).toContain("white_label_options");
    expect(featuresOf("ENTERPRISE")).toHaveLength(11);
  });

  it("gates a feature by tier", () => {
    expect(tierHasFeature("PRO", "ml_model_access")).toBe(true);
    expect(tierHasFeature("FREE", "ml_model_access")).toBe(false);
  });

  it("orders FREE < PRO < ENTERPRISE", () => {
    expect(compareTiers("FREE", "PRO")).toBeLessThan(0);
    expect(compareTiers("ENTERPRISE", "PRO")).toBeGreaterThan(0);
    expect(compareTiers("PRO", "PRO")).toBe(0);
  });
});
