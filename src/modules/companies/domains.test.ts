import { describe, expect, it } from "vitest";
import {
  domainOfEmail,
  domainVerificationRecordName,
  domainVerificationRecordValue,
  isPublicMailDomain,
  normalizeDomain,
  publicMailDomains,
} from "./domains.js";

describe("normalizeDomain", () => {
  it.each([
    ["example.com", "example.com"],
    ["  Example.COM  ", "example.com"],
    ["example.com.", "example.com"],
    ["sub.my-company.co.uk", "sub.my-company.co.uk"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["MÜNCHEN.de", "xn--mnchen-3ya.de"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ["123.example", "123.example"],
    [`${"a".repeat(63)}.com`, `${"a".repeat(63)}.com`],
  ])("accepts %j as %j", (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    "",
    "   ",
    "com",
    "localhost",
    "app.localhost",
    "example.com..",
    "a..com",
    ".example.com",
    "-example.com",
    "example-.com",
    "exa_mple.com",
    "exa mple.com",
    "user@example.com",
    "example.com/path",
    "example.com:443",
    "https://example.com",
    "a%41.com",
    "127.0.0.1",
    "0x7f.1",
    "[::1]",
    "::1",
    "example.123",
    "xn--zz.com",
    "xn--abc-.com",
    `${"a".repeat(64)}.com`,
    `${Array.from({ length: 51 }, () => "abcd").join(".")}.com`,
  ])("rejects %j", (input) => {
    expect(normalizeDomain(input)).toBeNull();
  });

  it("allows up to 253 characters in total", () => {
    const longest = `${Array.from({ length: 4 }, () => "a".repeat(61)).join(".")}.abcde`;
    expect(longest).toHaveLength(253);
    expect(normalizeDomain(longest)).toBe(longest);
    expect(normalizeDomain(`a${longest}`)).toBeNull();
  });
});

describe("public mail domains", () => {
  it("ships a list of common providers", () => {
    expect(publicMailDomains.size).toBeGreaterThanOrEqual(60);
    for (const domain of publicMailDomains) expect(normalizeDomain(domain)).toBe(domain);
  });

  it("detects a provider, its subdomains and unnormalised spellings", () => {
    expect(isPublicMailDomain("gmail.com")).toBe(true);
    expect(isPublicMailDomain("hotmail.co.uk")).toBe(true);
    expect(isPublicMailDomain("mail.gmail.com")).toBe(true);
    expect(isPublicMailDomain(" GMAIL.com. ")).toBe(true);
  });

  it("does not flag corporate domains, lookalikes or invalid input", () => {
    expect(isPublicMailDomain("acme-trading.com")).toBe(false);
    expect(isPublicMailDomain("notgmail.com")).toBe(false);
    expect(isPublicMailDomain("gmail.com.acme.io")).toBe(false);
    expect(isPublicMailDomain("co.uk")).toBe(false);
    expect(isPublicMailDomain("not a domain")).toBe(false);
  });
});

describe("domainOfEmail", () => {
  it("takes the normalised domain after the last @", () => {
    expect(domainOfEmail("Jane.Doe@Acme.COM")).toBe("acme.com");
    expect(domainOfEmail('"odd@local"@bücher.example')).toBe("xn--bcher-kva.example");
  });

  it("is null without an @, a local part or a valid domain", () => {
    expect(domainOfEmail("acme.com")).toBeNull();
    expect(domainOfEmail("@acme.com")).toBeNull();
    expect(domainOfEmail("jane@")).toBeNull();
    expect(domainOfEmail("jane@localhost")).toBeNull();
  });
});

describe("verification record", () => {
  it("names the TXT record and its value", () => {
    expect(domainVerificationRecordName("acme.com")).toBe("_trading-platform-verification.acme.com");
    expect(domainVerificationRecordValue("tok_123")).toBe("trading-platform-verification=tok_123");
  });
});
