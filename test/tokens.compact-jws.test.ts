import { generateKeyPairSync } from "node:crypto";
import { compactVerify, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { signCompactJws } from "../src/platform/tokens/compact-jws.js";

describe("signCompactJws", () => {
  it("makes a compact JWS that a standard verifier accepts, with the header and claims as given", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const payload = { iss: "issuer", aud: "audience", sub: "user-1", name: "Zoë ✓", iat: 1_700_000_000, exp: 4_000_000_000 };
    const token = signCompactJws({ alg: "EdDSA", kid: "key-1", typ: "at+jwt" }, payload, privateKey);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "EdDSA", kid: "key-1", typ: "at+jwt" });
    const { payload: verified } = await jwtVerify(token, publicKey, { issuer: "issuer", audience: "audience", typ: "at+jwt", algorithms: ["EdDSA"] });
    expect(verified).toEqual(payload);
  });

  it("signs what it encodes: a changed claim or another key fails verification", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const other = generateKeyPairSync("ed25519");
    const token = signCompactJws({ alg: "EdDSA" }, { sub: "user-1" }, privateKey);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: "user-2" })).toString("base64url")}.${signature}`;
    await expect(compactVerify(forged, publicKey)).rejects.toThrow();
    await expect(compactVerify(token, other.publicKey)).rejects.toThrow();
    await expect(compactVerify(token, publicKey)).resolves.toBeDefined();
  });
});
