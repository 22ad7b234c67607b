import { generateKeyPairSync } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createCache } from "../src/platform/cache/cache.js";
import { createLogger } from "../src/platform/logger.js";
import {
  AccessTokenError,
  type AccessTokenInput,
  announceSigningKeysChanged,
  configuredKeyStore,
  createKeyRing,
  createTokenService,
  generateSigningKey,
  keepKeyRingCurrent,
  type KeyRing,
  type KeyStore,
  memoryKeyStore,
  rotateSigningKey,
  signingKeysChannel,
  type StoredSigningKey,
  withdrawSigningKey,
} from "../src/platform/tokens/index.js";

const issuer = "urn:test:user-management";
const audience = "urn:test:platform";
const ttl = 3600;
const bob: AccessTokenInput = { userId: "user-bob", companyId: "company-b", sessionId: "s-bob", role: "MEMBER", permissions: [], tier: "FREE" };

let now = Date.UTC(2030, 0, 1);
const clock = () => now;

beforeEach(() => {
  now = Date.UTC(2030, 0, 1);
});

const tokensFor = (keys: KeyRing, accessTokenTtlSeconds = ttl) =>
  createTokenService({ keys, issuer, audience, accessTokenTtlSeconds, clock });
const kids = (ring: KeyRing) => ring.publicKeys().map((key) => key.kid);
const headerKid = (token: string) => JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).kid as string;
const configuredRing = (signingKeys: string) => createKeyRing({ store: configuredKeyStore(signingKeys), accessTokenTtlSeconds: ttl, clock });

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateJwk: privateKey.export({ format: "jwk" }),
    publicJwk: publicKey.export({ format: "jwk" }),
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

describe("rotation with an activation delay", () => {
  const delay = 300;

  it("publishes the new key at once, signs with it only from its activation, and drops the old one a token lifetime later", async () => {
    const store = memoryKeyStore([], clock);
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    const oldKid = ring.signingKey().kid;

    now += 1000;
    const { kid: newKid, activatesAt } = await rotateSigningKey(store, { activationDelaySeconds: delay, clock });
    expect(activatesAt).toBe(now + delay * 1000);
    await ring.reload();
    expect(kids(ring)).toEqual([oldKid, newKid]);
    expect(ring.signingKey().kid).toBe(oldKid);
    expect(headerKid((await tokensFor(ring).issueAccessToken(bob)).token)).toBe(oldKid);

    now = activatesAt - 1;
    expect(ring.signingKey().kid).toBe(oldKid);
    const lastOfOldKey = await tokensFor(ring).issueAccessToken(bob);
    now = activatesAt;
    expect(ring.signingKey().kid).toBe(newKid);
    expect(kids(ring)).toEqual([newKid, oldKid]);
    const afterActivation = await tokensFor(ring).issueAccessToken(bob);
    expect(headerKid(afterActivation.token)).toBe(newKid);

    now = activatesAt + ttl * 1000 - 1;
    await expect(tokensFor(ring).verifyAccessToken(lastOfOldKey.token)).resolves.toMatchObject({ keyId: oldKid });
    now += 1;
    expect(kids(ring)).toEqual([newKid]);
    expect(ring.verificationKey(oldKid)).toBeUndefined();
    await expect(tokensFor(ring).verifyAccessToken(afterActivation.token)).resolves.toMatchObject({ keyId: newKid });
  });

  it("keeps every key superseded within the last token lifetime when rotating repeatedly", async () => {
    const store = memoryKeyStore([], clock);
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    const first = ring.signingKey().kid;
    now += 1000;
    const { kid: second } = await rotateSigningKey(store, { activationDelaySeconds: 0, clock });
    now += (ttl / 2) * 1000;
    const { kid: third } = await rotateSigningKey(store, { activationDelaySeconds: 0, clock });
    await ring.reload();
    expect(kids(ring)).toEqual([third, second, first]);
    now += (ttl / 2) * 1000;
    expect(kids(ring)).toEqual([third, second]);
  });

  it("withdrawing a key that waits to activate leaves the signer as it is", async () => {
    const store = memoryKeyStore([], clock);
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    const signer = ring.signingKey().kid;
    const { kid: pending } = await rotateSigningKey(store, { activationDelaySeconds: delay, clock });
    expect(await withdrawSigningKey(store, pending, { clock })).toEqual({ withdrawn: true });
    await ring.reload();
    now += 2 * delay * 1000;
    expect(ring.signingKey().kid).toBe(signer);
    expect(kids(ring)).toEqual([signer]);
  });

  it("withdrawing the signer puts a new key in its place at once and refuses its tokens, cached ones included", async () => {
    const store = memoryKeyStore([], clock);
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    const tokens = tokensFor(ring);
    const withdrawnKid = ring.signingKey().kid;
    const { token } = await tokens.issueAccessToken(bob);
    await expect(tokens.verifyAccessToken(token)).resolves.toMatchObject({ keyId: withdrawnKid });

    const { withdrawn, replacementKid } = await withdrawSigningKey(store, withdrawnKid, { clock });
    expect(withdrawn).toBe(true);
    await ring.reload();
    expect(ring.signingKey().kid).toBe(replacementKid);
    expect(kids(ring)).toEqual([replacementKid]);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: "unknown_kid" });
    expect(await withdrawSigningKey(store, withdrawnKid, { clock })).toEqual({ withdrawn: false });
  });

  it("forget() stops accepting a kid before any reload, and a withdrawn signer keeps signing only until the reload brings its replacement", async () => {
    const store = memoryKeyStore([], clock);
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    const tokens = tokensFor(ring);
    const oldKid = ring.signingKey().kid;
    const { token } = await tokens.issueAccessToken(bob);
    await tokens.verifyAccessToken(token);

    const { replacementKid } = await withdrawSigningKey(store, oldKid, { clock });
    ring.forget([oldKid]);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: "unknown_kid" });
    expect(kids(ring)).toEqual([]);
    expect(ring.signingKey().kid).toBe(oldKid);
    await ring.reload();
    expect(ring.signingKey().kid).toBe(replacementKid);
  });

  it("a reload that finds no signer, or fails, keeps the keys in use and logs why", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    let failing: Error | undefined;
    let offered: StoredSigningKey[] | undefined;
    const inner = memoryKeyStore([], clock);
    const store: KeyStore = {
      ...inner,
      load: async () => {
        if (failing) throw failing;
        return offered ?? inner.load();
      },
    };
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock, logger });
    const signer = ring.signingKey().kid;

    offered = [];
    await ring.reload();
    failing = new Error("database unreachable");
    await ring.reload();
    expect(ring.signingKey().kid).toBe(signer);
    expect(kids(ring)).toEqual([signer]);
    expect(lines.map((line) => line.msg)).toEqual([
      "signing keys not reloaded; the keys in use stay",
      "signing keys not reloaded; the keys in use stay",
    ]);
    expect(lines[1]!.err).toBe("database unreachable");
  });

  it("refuses to start without a key that can sign now", async () => {
    const future = await generateSigningKey(now, now + 60_000);
    await expect(createKeyRing({ store: memoryKeyStore([future], clock), accessTokenTtlSeconds: ttl, clock })).rejects.toThrow(/No signing key is active/);
  });
});

describe("JWT_SIGNING_KEYS", () => {
  it("signs with the first entry and publishes the others (JWK, PEM and public-only) for verification", async () => {
    const [a, b, c] = [ed25519(), ed25519(), ed25519()];
    const signingKeys = JSON.stringify([
      { ...a.privateJwk, kid: "key-a" },
      { kid: "key-b", privateKeyPem: b.privatePem },
      { ...c.publicJwk, kid: "key-c" },
    ]);
    const ring = await configuredRing(signingKeys);
    expect(ring.signingKey().kid).toBe("key-a");
    expect(kids(ring)).toEqual(["key-a", "key-b", "key-c"]);
    expect(ring.publicKeys()[1]!.x).toBe(b.publicJwk.x);
    now += 100 * ttl * 1000;
    expect(ring.signingKey().kid).toBe("key-a");
    expect(kids(ring)).toEqual(["key-a", "key-b", "key-c"]);
  });

  it("accepts tokens of the previous signer after the operator puts a new key first", async () => {
    const [a, b] = [ed25519(), ed25519()];
    const before = await configuredRing(JSON.stringify([{ kid: "key-a", privateKeyPem: a.privatePem }]));
    const { token } = await tokensFor(before).issueAccessToken(bob);
    const after = await configuredRing(JSON.stringify([{ ...b.privateJwk, kid: "key-b" }, { ...a.publicJwk, kid: "key-a" }]));
    await expect(tokensFor(after).verifyAccessToken(token)).resolves.toMatchObject({ keyId: "key-a" });
  });

  it("refuses rotation and withdrawal: configured keys change by redeploying, and signing continues", async () => {
    const a = ed25519();
    const store = configuredKeyStore(JSON.stringify([{ ...a.privateJwk, kid: "key-a" }]));
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    await expect(rotateSigningKey(store, { activationDelaySeconds: 0, clock })).rejects.toThrow(/JWT_SIGNING_KEYS/);
    await expect(withdrawSigningKey(store, "key-a", { clock })).rejects.toThrow(/JWT_SIGNING_KEYS/);
    await ring.reload();
    expect(ring.signingKey().kid).toBe("key-a");
    expect(kids(ring)).toEqual(["key-a"]);
  });

  it("rejects bad settings with messages that never contain key material", async () => {
    const [a, b] = [ed25519(), ed25519()];
    const cases: Array<[unknown, RegExp]> = [
      ["{ not json", /not valid JSON/],
      [[], /non-empty JSON array/],
      [[{ ...a.publicJwk, kid: "k" }], /entry 0 signs/],
      [[{ ...a.privateJwk, kid: "k" }, { ...b.publicJwk, kid: "k" }], /same kid/],
      [[{ ...a.privateJwk, x: b.publicJwk.x, kid: "k" }], /x is not the public half/],
      [[{ kid: "k", privateKeyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }], /PEM is not an Ed25519 key/],
      [[{ ...a.privateJwk }], /entry 0/],
      [[{ kty: "RSA", kid: "k", n: "x", e: "AQAB" }], /entry 0/],
      [[{ ...a.privateJwk, kid: "k" }, { kty: "OKP", crv: "Ed25519", x: "AAAA", kid: "short" }], /"short" is not a valid Ed25519 key/],
    ];
    for (const [value, expected] of cases) {
      const signingKeys = typeof value === "string" ? value : JSON.stringify(value);
      const error = await Promise.resolve()
        .then(() => configuredRing(signingKeys))
        .then(
        () => undefined,
        (caught: Error) => caught,
      );
      expect(error?.message, signingKeys).toMatch(expected);
      expect(error?.message).not.toContain(a.privateJwk.d!);
      expect(error?.message).not.toContain("PRIVATE KEY");
    }
  });
});

it("fails verification with AccessTokenError, not a crash, when the ring no longer has the key", async () => {
  const ring = await createKeyRing({ store: memoryKeyStore([], clock), accessTokenTtlSeconds: ttl, clock });
  const other = await createKeyRing({ store: memoryKeyStore([], clock), accessTokenTtlSeconds: ttl, clock });
  const { token } = await tokensFor(other).issueAccessToken(bob);
  await expect(tokensFor(ring).verifyAccessToken(token)).rejects.toBeInstanceOf(AccessTokenError);
});

describe("keepKeyRingCurrent", () => {
  it("reloads every ring on an announced change and drops withdrawn kids at once", async () => {
    const logger = createLogger({ level: "silent" });
    const cache = await createCache({ logger });
    const store = memoryKeyStore([], clock);
    const rings = await Promise.all([1, 2].map(() => createKeyRing({ store, accessTokenTtlSeconds: ttl, clock })));
    const stops = rings.map((ring) => keepKeyRingCurrent({ ring, cache, reloadIntervalMs: 3_600_000, logger }));
    try {
      const oldKid = rings[0]!.signingKey().kid;
      const { kid: newKid } = await rotateSigningKey(store, { activationDelaySeconds: 60, clock });
      await announceSigningKeysChanged(cache);
      await vi.waitFor(() => expect(rings.map(kids)).toEqual([[oldKid, newKid], [oldKid, newKid]]));

      const tokens = tokensFor(rings[1]!);
      const { token } = await tokens.issueAccessToken(bob);
      await tokens.verifyAccessToken(token);
      const { replacementKid } = await withdrawSigningKey(store, oldKid, { clock });
      await announceSigningKeysChanged(cache, [oldKid]);
      await vi.waitFor(() => expect(rings.map(kids)).toEqual([[replacementKid, newKid], [replacementKid, newKid]]));
      await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: "unknown_kid" });
    } finally {
      for (const stop of stops) stop();
      await cache.close();
    }
  });

  it("still reloads on a malformed message, and logs it", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "warn", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const cache = await createCache({ logger });
    const store = memoryKeyStore([], clock);
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    const stop = keepKeyRingCurrent({ ring, cache, reloadIntervalMs: 3_600_000, logger });
    try {
      const { kid } = await rotateSigningKey(store, { activationDelaySeconds: 60, clock });
      await cache.publish(signingKeysChannel, "null");
      await vi.waitFor(() => expect(kids(ring)).toContain(kid));
      expect(lines).toEqual([expect.objectContaining({ msg: "malformed signing-keys message; reloading anyway" })]);
    } finally {
      stop();
      await cache.close();
    }
  });

  it("reloads on its interval when a message was missed", async () => {
    const logger = createLogger({ level: "silent" });
    const cache = await createCache({ logger });
    const store = memoryKeyStore([], clock);
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl, clock });
    const stop = keepKeyRingCurrent({ ring, cache, reloadIntervalMs: 20, logger });
    try {
      const { kid } = await rotateSigningKey(store, { activationDelaySeconds: 60, clock });
      await vi.waitFor(() => expect(kids(ring)).toContain(kid));
    } finally {
      stop();
      await cache.close();
    }
  });
});
