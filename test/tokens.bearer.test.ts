import { describe, expect, it } from "vitest";
import { bearerToken } from "../src/platform/tokens/index.js";

// RFC 7235's `credentials = auth-scheme 1*SP token68` for the Bearer scheme, trailing spaces tolerated.
const grammar = /^Bearer +([^ ]+) *$/i;

describe("bearerToken", () => {
  it("takes the token from an Authorization: Bearer header, whatever the scheme's case", () => {
    expect(bearerToken("Bearer eyJhbGciOi.eyJzdWIi.c2ln")).toBe("eyJhbGciOi.eyJzdWIi.c2ln");
    expect(bearerToken("bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("BEARER   abc==  ")).toBe("abc==");
  });

  it("finds no token in a missing, empty or non-Bearer header", () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken("")).toBeUndefined();
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer ")).toBeUndefined();
    expect(bearerToken("Bearer    ")).toBeUndefined();
    expect(bearerToken("Bearerabc")).toBeUndefined();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerToken("Bearer two tokens")).toBeUndefined();
    expect(bearerToken("Bearer\tabc")).toBeUndefined();
  });

  it("reads exactly what the grammar accepts (20,000 generated headers)", () => {
    const alphabet = ["B", "b", "e", "E", "a", "r", "R", " ", " ", "=", ".", "-", "_", "~", "+", "/", "0", "z", "\t", ":", "é"];
    let seed = 12_345;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let sample = 0; sample < 20_000; sample++) {
      let header = ["Bearer ", "bearer  ", "BeArEr", "Bearer", "", "Bearez ", " Bearer "][next() % 7]!;
      for (let length = next() % 12; length > 0; length--) header += alphabet[next() % alphabet.length];
      expect(bearerToken(header), JSON.stringify(header)).toBe(grammar.exec(header)?.[1]);
    }
  });
});
