import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AccessTokenError,
  type AccessTokenInput,
  createKeyRing,
  createTokenService,
  devKeyFile,
  type KeyRing,
  loadKeyRing,
  memoryKeyStore,
} from "../src/platform/tokens";

const issuer = "urn:test:user-management";
const audience = "urn:test:platform";
const ttl = 3600;
const bob: AccessTokenInput = { userId: "user-bob", companyId: "company-b", sessionId: "s-bob", role: "MEMBER", permissions: [], tier: "FREE" };

let now = Date.UTC(2030, 0, 1);
const clock = () => now;
let dataDir: string;

beforeEach(async () => {
  now = Date.UTC(2030, 0, 1);
  dataDir = await mkdtemp(path.join(tmpdir(), "signing-keys-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const tokensFor = (keys: KeyRing, accessTokenTtlSeconds = ttl) =>
  createTokenService({ keys, issuer, audience, accessTokenTtlSeconds, clock });
const kids = (ring: KeyRing) => ring.publicKeys().map((key) => key.kid);

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateJwk: privateKey.export({ format: "jwk" }),
    publicJwk: publicKey.export({ format: "jwk" }),
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

describe("dev keystore (no JWT_SIGNING_KEYS)", () => {
  it("generates a key on first start, readable only by its owner, and reuses it after a restart", async () => {
    const first = await loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock });
    const { token } = await tokensFor(first).issueAccessToken(bob);
    const file = devKeyFile(dataDir);
    expect(file).toBe(path.join(dataDir, "keys", "signing-keys.json"));
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const restarted = await loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock });
    expect(restarted.signingKey().kid).toBe(first.signingKey().kid);
    await expect(tokensFor(restarted).verifyAccessToken(token)).resolves.toMatchObject({ userId: "user-bob" });
  });

  it("lets two processes starting together end up with the same key", async () => {
    const rings = await Promise.all([1, 2, 3].map(() => loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock })));
    expect(new Set(rings.map((ring) => ring.signingKey().kid)).size).toBe(1);
  });

  it("refuses to fall back to generated keys when configured keys are required (production)", async () => {
    await expect(
      loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, requireConfiguredKeys: true }),
    ).rejects.toThrow(/JWT_SIGNING_KEYS must be set/);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it("persists a rotation: after a restart the new key signs and the old one still verifies", async () => {
    const ring = await loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock });
    const oldKid = ring.signingKey().kid;
    const { token } = await tokensFor(ring).issueAccessToken(bob);
    const newKid = await ring.rotate();
    expect(ring.signingKey().kid).toBe(newKid);
    expect((await stat(devKeyFile(dataDir))).mode & 0o777).toBe(0o600);

    now += 60_000;
    const restarted = await loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock });
    expect(restarted.signingKey().kid).toBe(newKid);
    expect(kids(restarted)).toEqual([newKid, oldKid]);
    await expect(tokensFor(restarted).verifyAccessToken(token)).resolves.toMatchObject({ keyId: oldKid });

    now += ttl * 1000;
    const later = await loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock });
    expect(kids(later)).toEqual([newKid]);
  });

  it("does not overwrite a key file it cannot read", async () => {
    await loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock });
    const { writeFile } = await import("node:fs/promises");
    await writeFile(devKeyFile(dataDir), "{ not json");
    await expect(loadKeyRing({ signingKeys: undefined, dataDir, accessTokenTtlSeconds: ttl, clock })).rejects.toThrow(/not a valid key file/);
    expect(await readFile(devKeyFile(dataDir), "utf8")).toBe("{ not json");
  });
});

describe("rotation", () => {
  it("signs with the new key at once and accepts the old key until retiredAt + access token TTL", async () => {
    const ring = await createKeyRing({ store: memoryKeyStore([], clock), accessTokenTtlSeconds: ttl, clock });
    const oldKid = ring.signingKey().kid;
    // A token that outlives its key would be a bug elsewhere; it shows the key itself is dropped on time.
    const longLived = await tokensFor(ring, 10 * ttl).issueAccessToken(bob);
    const beforeRotation = await tokensFor(ring).issueAccessToken(bob);

    now += 1000;
    const newKid = await ring.rotate();
    expect(newKid).not.toBe(oldKid);
    const afterRotation = await tokensFor(ring).issueAccessToken(bob);
    expect(JSON.parse(Buffer.from(afterRotation.token.split(".")[0]!, "base64url").toString()).kid).toBe(newKid);
    expect(kids(ring)).toEqual([newKid, oldKid]);

    now += ttl * 1000 - 1;
    await expect(tokensFor(ring).verifyAccessToken(beforeRotation.token)).resolves.toMatchObject({ keyId: oldKid });
    expect(kids(ring)).toEqual([newKid, oldKid]);

    now += 1;
    expect(kids(ring)).toEqual([newKid]);
    expect(ring.verificationKey(oldKid)).toBeUndefined();
    await expect(tokensFor(ring).verifyAccessToken(longLived.token)).rejects.toMatchObject({ reason: "unknown_kid" });
    await expect(tokensFor(ring).verifyAccessToken(afterRotation.token)).resolves.toMatchObject({ keyId: newKid });
  });

  it("keeps every key retired within the last TTL when rotating repeatedly", async () => {
    const ring = await createKeyRing({ store: memoryKeyStore([], clock), accessTokenTtlSeconds: ttl, clock });
    const first = ring.signingKey().kid;
    now += 1000;
    const second = await ring.rotate();
    now += (ttl / 2) * 1000;
    const third = await ring.rotate();
    expect(kids(ring)).toEqual([third, second, first]);
    now += (ttl / 2) * 1000;
    expect(kids(ring)).toEqual([third, second]);
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
    const ring = await loadKeyRing({ signingKeys, dataDir, accessTokenTtlSeconds: ttl, clock });
    expect(ring.signingKey().kid).toBe("key-a");
    expect(kids(ring)).toEqual(["key-a", "key-b", "key-c"]);
    expect(ring.publicKeys()[1]!.x).toBe(b.publicJwk.x);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it("accepts tokens of the previous signer after the operator puts a new key first", async () => {
    const [a, b] = [ed25519(), ed25519()];
    const before = await loadKeyRing({ signingKeys: JSON.stringify([{ kid: "key-a", privateKeyPem: a.privatePem }]), dataDir, accessTokenTtlSeconds: ttl, clock });
    const { token } = await tokensFor(before).issueAccessToken(bob);
    const after = await loadKeyRing({
      signingKeys: JSON.stringify([{ ...b.privateJwk, kid: "key-b" }, { ...a.publicJwk, kid: "key-a" }]),
      dataDir,
      accessTokenTtlSeconds: ttl,
      clock,
    });
    await expect(tokensFor(after).verifyAccessToken(token)).resolves.toMatchObject({ keyId: "key-a" });
  });

  it("refuses rotate(): configured keys rotate by editing the setting, and signing continues", async () => {
    const a = ed25519();
    const ring = await loadKeyRing({ signingKeys: JSON.stringify([{ ...a.privateJwk, kid: "key-a" }]), dataDir, accessTokenTtlSeconds: ttl, clock });
    await expect(ring.rotate()).rejects.toThrow(/JWT_SIGNING_KEYS/);
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
      const error = await loadKeyRing({ signingKeys, dataDir, accessTokenTtlSeconds: ttl, clock }).then(
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
