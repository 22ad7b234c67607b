import { createHmac, createPublicKey } from "node:crypto";
import { fromBinary } from "@bufbuild/protobuf";
import { decodeProtectedHeader, decodeJwt, SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { SubscriptionTier } from "../src/generated/proto/user_management/v1/subscription_pb.js";
import { JWTClaimsSchema } from "../src/generated/proto/user_management/v1/token_pb.js";
import { Role } from "../src/generated/proto/user_management/v1/user_context_pb.js";
import {
  AccessTokenError,
  type AccessTokenInput,
  type AccessTokenRejection,
  createKeyRing,
  createTokenService,
  encodePbClaims,
  type KeyRing,
  memoryKeyStore,
  type TokenService,
} from "../src/platform/tokens/index.js";

const issuer = "urn:test:user-management";
const audience = "urn:test:platform";
const ttl = 3600;
const start = Date.UTC(2030, 0, 1);

const alice: AccessTokenInput = {
  userId: "user-alice",
  companyId: "company-acme",
  sessionId: "session-1",
  role: "ADMIN",
  permissions: ["users.manage", "reports.generate"],
  tier: "PRO",
  correlationId: "corr-login-1",
};

let now: number;
const clock = () => now;
let ring: KeyRing;
let service: TokenService;

beforeEach(async () => {
  now = start;
  ring = await createKeyRing({ store: memoryKeyStore([], clock), accessTokenTtlSeconds: ttl, clock });
  service = createTokenService({ keys: ring, issuer, audience, accessTokenTtlSeconds: ttl, clock });
});

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");
const seconds = (ms: number) => Math.floor(ms / 1000);

async function rejection(token: string, verifier: TokenService = service): Promise<AccessTokenError> {
  const error = await verifier.verifyAccessToken(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AccessTokenError);
  const refused = error as AccessTokenError;
  if (token.length > 8) expect(refused.message).not.toContain(token);
  for (const part of token.split(".")) if (part.length > 8) expect(refused.message).not.toContain(part);
  return refused;
}

async function expectRejected(token: string, reason: AccessTokenRejection, verifier?: TokenService) {
  expect((await rejection(token, verifier)).reason).toBe(reason);
}

/** A token carrying whatever claims the test wants, validly signed with the ring's signing key. */
async function signWithRing(overrides: { sub?: string; company?: string; sid?: string; pb?: { userId?: string; role?: Role } }) {
  const iat = seconds(now);
  const exp = iat + ttl;
  const pb_claims = encodePbClaims({
    userId: "user-alice",
    companyId: "company-acme",
    sessionId: "session-1",
    role: Role.ADMIN,
    subscriptionTier: SubscriptionTier.PRO,
    issuedAt: BigInt(iat),
    expiresAt: BigInt(exp),
    ...overrides.pb,
  });
  const { kid, privateKey } = ring.signingKey();
  return new SignJWT({ company: overrides.company ?? "company-acme", sid: overrides.sid ?? "session-1", pb_claims })
    .setProtectedHeader({ alg: "EdDSA", kid, typ: "at+jwt" })
    .setSubject(overrides.sub ?? "user-alice")
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti("jti-1")
    .sign(privateKey);
}

describe("issueAccessToken", () => {
  it("issues a compact EdDSA JWS with kid, the contract's claims and a one-hour lifetime", async () => {
    const issued = await service.issueAccessToken(alice);
    expect(issued.token.split(".")).toHaveLength(3);
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg: "EdDSA", kid: ring.signingKey().kid, typ: "at+jwt" });
    const payload = decodeJwt(issued.token);
    expect(payload).toMatchObject({ sub: "user-alice", company: "company-acme", sid: "session-1", iss: issuer, aud: audience });
    expect(payload.iat).toBe(seconds(start));
    expect(payload.exp).toBe(seconds(start) + 3600);
    expect(payload.jti).toBe(issued.tokenId);
    expect(issued).toMatchObject({ expiresAt: seconds(start) + 3600, expiresIn: 3600 });
  });

  it("carries the user context as standard base64 of user_management.v1.JWTClaims in pb_claims", async () => {
    const { token } = await service.issueAccessToken(alice);
    const pbClaims = decodeJwt(token).pb_claims as string;
    expect(pbClaims).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const claims = fromBinary(JWTClaimsSchema, Buffer.from(pbClaims, "base64"));
    expect(claims).toMatchObject({
      userId: "user-alice",
      companyId: "company-acme",
      sessionId: "session-1",
      role: Role.ADMIN,
      subscriptionTier: SubscriptionTier.PRO,
      permissions: ["users.manage", "reports.generate"],
      issuedAt: BigInt(seconds(start)),
      expiresAt: BigInt(seconds(start) + 3600),
      correlationId: "corr-login-1",
    });
  });

  it("gives every token its own jti", async () => {
    const [first, second] = await Promise.all([service.issueAccessToken(alice), service.issueAccessToken(alice)]);
    expect(first.tokenId).not.toBe(second.tokenId);
  });

  it("refuses to issue a token without a real role", async () => {
    await expect(service.issueAccessToken({ ...alice, role: "ROLE_UNSPECIFIED" as never })).rejects.toThrow(/BUG_ACCESS_TOKEN_INPUT/);
    await expect(service.issueAccessToken({ ...alice, sessionId: "" })).rejects.toThrow(/BUG_ACCESS_TOKEN_INPUT/);
  });
});

describe("verifyAccessToken", () => {
  it("returns the claims the token was issued with", async () => {
    const { token, tokenId } = await service.issueAccessToken(alice);
    const verified = await service.verifyAccessToken(token);
    expect(verified).toEqual({
      ...alice,
      tokenId,
      keyId: ring.signingKey().kid,
      issuedAt: seconds(start),
      expiresAt: seconds(start) + 3600,
      authTime: seconds(start),
      amr: [],
      features: [],
    });
  });

  it("carries when and how the user proved who they are (auth_time, amr)", async () => {
    const { token } = await service.issueAccessToken({ ...alice, authTime: seconds(start) - 600, amr: ["pwd", "otp"] });
    expect(await service.verifyAccessToken(token)).toMatchObject({ authTime: seconds(start) - 600, amr: ["pwd", "otp"] });
  });

  it("is accepted by another service instance that shares the keys (verification needs no state)", async () => {
    const { token } = await service.issueAccessToken(alice);
    const replica = createTokenService({ keys: ring, issuer, audience, accessTokenTtlSeconds: ttl, clock });
    await expect(replica.verifyAccessToken(token)).resolves.toMatchObject({ userId: "user-alice" });
  });

  it("refuses alg: none", async () => {
    const { token } = await service.issueAccessToken(alice);
    const [, payload] = token.split(".");
    const header = b64url(JSON.stringify({ alg: "none", typ: "at+jwt", kid: ring.signingKey().kid }));
    await expectRejected(`${header}.${payload}.`, "algorithm");
  });

  it("refuses HS256 signed with the public key as the HMAC secret", async () => {
    const { token } = await service.issueAccessToken(alice);
    const [, payload] = token.split(".");
    const jwk = ring.publicKeys()[0]!;
    const header = b64url(JSON.stringify({ alg: "HS256", typ: "at+jwt", kid: jwk.kid }));
    const pem = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" }).export({ type: "spki", format: "pem" });
    for (const secret of [Buffer.from(jwk.x, "base64url"), Buffer.from(pem), Buffer.from(JSON.stringify(jwk))]) {
      const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
      await expectRejected(`${header}.${payload}.${signature}`, "algorithm");
    }
  });

  it("refuses a token signed by a key it does not know", async () => {
    const strangerRing = await createKeyRing({ store: memoryKeyStore([], clock), accessTokenTtlSeconds: ttl, clock });
    const stranger = createTokenService({ keys: strangerRing, issuer, audience, accessTokenTtlSeconds: ttl, clock });
    const { token } = await stranger.issueAccessToken(alice);
    await expectRejected(token, "unknown_kid");
  });

  it("refuses a token whose kid names our key but whose signature is someone else's", async () => {
    const strangerRing = await createKeyRing({ store: memoryKeyStore([], clock), accessTokenTtlSeconds: ttl, clock });
    const { token } = await createTokenService({ keys: strangerRing, issuer, audience, accessTokenTtlSeconds: ttl, clock }).issueAccessToken(alice);
    const [, payload, signature] = token.split(".");
    const header = b64url(JSON.stringify({ alg: "EdDSA", kid: ring.signingKey().kid, typ: "at+jwt" }));
    await expectRejected(`${header}.${payload}.${signature}`, "signature");
  });

  it("refuses a token from another issuer", async () => {
    const other = createTokenService({ keys: ring, issuer: "urn:someone-else", audience, accessTokenTtlSeconds: ttl, clock });
    await expectRejected((await other.issueAccessToken(alice)).token, "issuer");
  });

  it("refuses a token meant for another audience", async () => {
    const other = createTokenService({ keys: ring, issuer, audience: "urn:another-platform", accessTokenTtlSeconds: ttl, clock });
    await expectRejected((await other.issueAccessToken(alice)).token, "audience");
  });

  it("accepts a token up to the clock tolerance past exp, then refuses it as expired", async () => {
    const { token, expiresAt } = await service.issueAccessToken(alice);
    now = (expiresAt + 4) * 1000;
    await expect(createTokenService({ keys: ring, issuer, audience, accessTokenTtlSeconds: ttl, clock }).verifyAccessToken(token)).resolves.toBeDefined();
    now = (expiresAt + 5) * 1000;
    await expectRejected(token, "expired");
  });

  it("honours a configured clock tolerance", async () => {
    const strict = createTokenService({ keys: ring, issuer, audience, accessTokenTtlSeconds: ttl, clock, clockToleranceSeconds: 0 });
    const { token, expiresAt } = await strict.issueAccessToken(alice);
    now = expiresAt * 1000;
    await expectRejected(token, "expired", strict);
  });

  it("refuses a token whose pb_claims were edited after signing", async () => {
    const { token } = await service.issueAccessToken({ ...alice, role: "VIEWER", permissions: ["data.read_only"] });
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
    const pb = fromBinary(JWTClaimsSchema, Buffer.from(claims.pb_claims, "base64"));
    claims.pb_claims = encodePbClaims({ ...pb, role: Role.OWNER, permissions: ["company.manage"] });
    await expectRejected(`${header}.${b64url(JSON.stringify(claims))}.${signature}`, "signature");
  });

  it("refuses a validly signed token whose pb_claims name another user, company or session", async () => {
    await expectRejected(await signWithRing({ pb: { userId: "user-mallory" } }), "claims_mismatch");
    await expectRejected(await signWithRing({ company: "company-other" }), "claims_mismatch");
    await expectRejected(await signWithRing({ sid: "session-other" }), "claims_mismatch");
    await expect(service.verifyAccessToken(await signWithRing({}))).resolves.toMatchObject({ userId: "user-alice" });
  });

  it("refuses a validly signed token whose pb_claims has no role or is not base64 of JWTClaims", async () => {
    await expectRejected(await signWithRing({ pb: { role: Role.ROLE_UNSPECIFIED } }), "invalid_claims");
    const { kid, privateKey } = ring.signingKey();
    const garbage = await new SignJWT({ company: "company-acme", sid: "session-1", pb_claims: "not*base64" })
      .setProtectedHeader({ alg: "EdDSA", kid, typ: "at+jwt" })
      .setSubject("user-alice")
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(seconds(now))
      .setExpirationTime(seconds(now) + 60)
      .setJti("j")
      .sign(privateKey);
    await expectRejected(garbage, "invalid_claims");
  });

  it("refuses strings that are not JWTs", async () => {
    await expectRejected("", "malformed");
    await expectRejected("not-a-token", "malformed");
    await expectRejected("a.b.c", "malformed");
  });
});

describe("verified-token cache", () => {
  function countingRing(inner: KeyRing) {
    const counter = { lookups: 0 };
    const ringSpy: KeyRing = {
      ...inner,
      verificationKey(kid) {
        counter.lookups += 1;
        return inner.verificationKey(kid);
      },
    };
    return { ring: ringSpy, counter };
  }

  it("answers a repeated token without checking its signature again", async () => {
    const { ring: spy, counter } = countingRing(ring);
    const cached = createTokenService({ keys: spy, issuer, audience, accessTokenTtlSeconds: ttl, clock });
    const { token } = await cached.issueAccessToken(alice);
    const first = await cached.verifyAccessToken(token);
    const second = await cached.verifyAccessToken(token);
    expect(second).toBe(first);
    expect(counter.lookups).toBe(1);
  });

  it("knows a token verified before without a promise, and nothing of one it has not verified", async () => {
    const { token } = await service.issueAccessToken(alice);
    expect(service.knownAccessToken(token)).toBeUndefined();
    const verified = await service.verifyAccessToken(token);
    expect(service.knownAccessToken(token)).toBe(verified);
    expect(service.knownAccessToken(`${token}x`)).toBeUndefined();
  });

  it("refuses a known token once it has expired, synchronously too", async () => {
    const { token, expiresAt } = await service.issueAccessToken(alice);
    await service.verifyAccessToken(token);
    now = (expiresAt + 60) * 1000;
    expect(() => service.knownAccessToken(token)).toThrow(expect.objectContaining({ reason: "expired" }));
  });

  it("still refuses a cached token once it has expired", async () => {
    const { token, expiresAt } = await service.issueAccessToken(alice);
    await service.verifyAccessToken(token);
    now = (expiresAt + 60) * 1000;
    await expectRejected(token, "expired");
  });

  it("is bounded: the least recently used token is forgotten", async () => {
    const { ring: spy, counter } = countingRing(ring);
    const small = createTokenService({ keys: spy, issuer, audience, accessTokenTtlSeconds: ttl, clock, cacheSize: 2 });
    const tokens = await Promise.all([1, 2, 3].map((n) => small.issueAccessToken({ ...alice, sessionId: `s${n}` })));
    for (const { token } of tokens) await small.verifyAccessToken(token);
    expect(counter.lookups).toBe(3);
    await small.verifyAccessToken(tokens[2]!.token);
    expect(counter.lookups).toBe(3);
    await small.verifyAccessToken(tokens[0]!.token);
    expect(counter.lookups).toBe(4);
  });

  it("is bounded by bytes too: tokens beyond the byte budget are forgotten while entries remain", async () => {
    const { ring: spy, counter } = countingRing(ring);
    const tokens = await Promise.all([1, 2, 3].map((n) => service.issueAccessToken({ ...alice, sessionId: `s${n}` })));
    const twoTokensOfBytes = 2 * (550 + tokens[0]!.token.length) + 10;
    const small = createTokenService({ keys: spy, issuer, audience, accessTokenTtlSeconds: ttl, clock, cacheMaxBytes: twoTokensOfBytes });
    for (const { token } of tokens) await small.verifyAccessToken(token);
    expect(counter.lookups).toBe(3);
    await small.verifyAccessToken(tokens[2]!.token);
    expect(counter.lookups).toBe(3);
    await small.verifyAccessToken(tokens[0]!.token);
    expect(counter.lookups).toBe(4);
  });

  it("returns claims that callers cannot modify for the next request", async () => {
    const { token } = await service.issueAccessToken(alice);
    const verified = await service.verifyAccessToken(token);
    expect(() => {
      (verified as { role: string }).role = "OWNER";
    }).toThrow(TypeError);
    expect(() => (verified.permissions as string[]).push("company.manage")).toThrow(TypeError);
    expect((await service.verifyAccessToken(token)).role).toBe("ADMIN");
  });
});
