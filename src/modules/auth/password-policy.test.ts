import { describe, expect, it } from "vitest";
import { passwordProblems } from "./password-policy.js";

const codes = (password: string, email = "ann@example.com") => passwordProblems(password, email).map((problem) => problem.code);

describe("password policy (ASVS 2.1)", () => {
  it("accepts 12 to 128 characters of anything", () => {
    expect(codes("a".repeat(12))).toEqual([]);
    expect(codes("🔑".repeat(128))).toEqual([]);
    expect(codes("correct horse battery staple")).toEqual([]);
  });

  it("refuses short, over-long and email-equal passwords", () => {
    expect(codes("a".repeat(11))).toEqual(["PASSWORD_TOO_SHORT"]);
    expect(codes("a".repeat(129))).toEqual(["PASSWORD_TOO_LONG"]);
    expect(codes("Ann@Example.com ", "ann@example.com")).toEqual(["PASSWORD_SAME_AS_EMAIL"]);
  });

  it("counts characters, not UTF-16 units or bytes", () => {
    expect(codes("🔑".repeat(11))).toEqual(["PASSWORD_TOO_SHORT"]);
  });
});
