import { describe, expect, it } from "vitest";
import { bearerToken } from "../src/platform/tokens/index.js";

describe("bearerToken", () => {
  it("takes the token from an Authorization: Bearer header, whatever the scheme's case", () => {
    expect(bearerToken("Bearer eyJhbGciOi.eyJzdWIi.c2ln")).toBe("eyJhbGciOi.eyJzdWIi.c2ln");
    expect(bearerToken("bearer abc.def.ghi")).toBe("abc.def.ghi");
  });

  it("finds no token in a missing, empty or non-Bearer header", () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken("")).toBeUndefined();
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer ")).toBeUndefined();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerToken("Bearer two tokens")).toBeUndefined();
  });
});
