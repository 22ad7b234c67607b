import { generateKeyPairSync } from "node:crypto";
import { fromBinary } from "@bufbuild/protobuf";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { JWTClaimsSchema } from "../src/generated/proto/user_management/v1/token_pb.js";
import { configuredKeyStore, createKeyRing, createTokenService, jwksDocument, memoryKeyStore, rotateSigningKey } from "../src/platform/tokens/index.js";

const issuer = "urn:test:user-management";
const audience = "urn:test:platform";
const ttl = 3600;

describe("GET /.well-known/jwks.json body", () => {
  it("lists each accepted key's public half with kid, alg EdDSA and use sig", async () => {
    const store = memoryKeyStore();
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl });
    const oldKid = ring.signingKey().kid;
    const { kid: newKid } = await rotateSigningKey(store, { activationDelaySeconds: 0 });
    await ring.reload();
    const jwks = jwksDocument(ring);
    expect(jwks.keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
      expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
      expect(Buffer.from(key.x, "base64url")).toHaveLength(32);
    }
  });

  it("never contains a private key, whatever the keys came from", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const privateJwk = privateKey.export({ format: "jwk" });
    const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const configured = await createKeyRing({
      store: configuredKeyStore(JSON.stringify([{ ...privateJwk, kid: "a" }, { kid: "b", privateKeyPem: pem }])),
      accessTokenTtlSeconds: ttl,
    });
    const generatedStore = memoryKeyStore();
    const generated = await createKeyRing({ store: generatedStore, accessTokenTtlSeconds: ttl });
    await rotateSigningKey(generatedStore, { activationDelaySeconds: 60 });
    await generated.reload();
    for (const ring of [configured, generated]) {
      const body = JSON.stringify(jwksDocument(ring));
      expect(body).not.toMatch(/"d"\s*:/);
      expect(body).not.toContain(privateJwk.d!);
      for (const key of jwksDocument(ring).keys) expect(key).not.toHaveProperty("d");
    }
  });

  it("is all another service needs to verify our tokens offline and read pb_claims", async () => {
    const ring = await createKeyRing({ store: memoryKeyStore(), accessTokenTtlSeconds: ttl });
    const tokens = createTokenService({ keys: ring, issuer, audience, accessTokenTtlSeconds: ttl });
    const { token } = await tokens.issueAccessToken({
      userId: "u1",
      companyId: "c1",
      sessionId: "s1",
      role: "OWNER",
      permissions: ["company.manage"],
      tier: "ENTERPRISE",
    });
    const published = JSON.parse(JSON.stringify(jwksDocument(ring)));
    const { payload } = await jwtVerify(token, createLocalJWKSet(published), { issuer, audience, algorithms: ["EdDSA"] });
    const claims = fromBinary(JWTClaimsSchema, Buffer.from(payload.pb_claims as string, "base64"));
    expect(claims).toMatchObject({ userId: "u1", companyId: "c1", sessionId: "s1", permissions: ["company.manage"] });
  });
});
