import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, type CryptoKey, importJWK } from "jose";
import { z } from "zod";

/** Public half of an Ed25519 key as published in the JWKS. */
export interface PublicSigningJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

/** A key as kept in config or in the database. `d` is absent for verification-only keys. */
export interface StoredSigningKey {
  kid: string;
  jwk: { kty: "OKP"; crv: "Ed25519"; x: string; d?: string };
  /** Epoch ms. */
  createdAt?: number;
  /** Epoch ms from which the key signs (until a later key activates); absent for keys that only verify. */
  activatesAt?: number;
}

/** A key ready for jose: imported once, used without I/O. */
export interface SigningKey {
  kid: string;
  publicJwk: PublicSigningJwk;
  publicKey: CryptoKey;
  privateKey?: KeyObject;
  activatesAt?: number;
}

const storedJwk = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string().min(1),
  d: z.string().min(1).optional(),
});

const configuredEntry = z.union([
  z.object({ kid: z.string().min(1), privateKeyPem: z.string().min(1) }),
  z.object({ kid: z.string().min(1), publicKeyPem: z.string().min(1) }),
  storedJwk.extend({ kid: z.string().min(1) }),
]);

/** Creates a new Ed25519 key whose kid is its RFC 7638 thumbprint; it signs from `activatesAt` (epoch ms). */
export async function generateSigningKey(createdAt: number, activatesAt = createdAt): Promise<StoredSigningKey> {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = toStoredJwk(privateKey);
  return { kid: await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }), jwk, createdAt, activatesAt };
}

/**
 * Parses `JWT_SIGNING_KEYS`: a JSON array whose first entry signs and whose others only verify. Entries
 * are Ed25519 JWKs with `kid`, or `{ kid, privateKeyPem }` / `{ kid, publicKeyPem }`. Error messages name
 * the entry and its kid, never key material.
 */
export function parseConfiguredSigningKeys(json: string): StoredSigningKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("JWT_SIGNING_KEYS is not valid JSON");
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new Error("JWT_SIGNING_KEYS must be a non-empty JSON array");
  const keys = raw.map((entry, index) => parseConfiguredEntry(entry, index));
  if (keys[0]!.jwk.d === undefined) throw new Error("JWT_SIGNING_KEYS entry 0 signs, so it needs a private key");
  const kids = new Set(keys.map((key) => key.kid));
  if (kids.size !== keys.length) throw new Error("JWT_SIGNING_KEYS has two entries with the same kid");
  return keys;
}

function parseConfiguredEntry(entry: unknown, index: number): StoredSigningKey {
  const parsed = configuredEntry.safeParse(entry);
  if (!parsed.success) {
    throw new Error(`JWT_SIGNING_KEYS entry ${index}: expected an Ed25519 JWK with kid, or { kid, privateKeyPem }`);
  }
  const value = parsed.data;
  const problem = `JWT_SIGNING_KEYS entry ${index} (kid "${value.kid}")`;
  try {
    if ("privateKeyPem" in value) return { kid: value.kid, jwk: toStoredJwk(createPrivateKey(value.privateKeyPem)) };
    if ("publicKeyPem" in value) return { kid: value.kid, jwk: toStoredJwk(createPublicKey(value.publicKeyPem)) };
  } catch {
    throw new Error(`${problem}: the PEM is not an Ed25519 key`);
  }
  const { kid, ...jwk } = value;
  const publicPart = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  return { kid, jwk: jwk.d === undefined ? publicPart : { ...publicPart, d: jwk.d } };
}

/** Imports a stored key, checking that a private key's `x` really is its public half. */
export async function importSigningKey(stored: StoredSigningKey): Promise<SigningKey> {
  const { kid, jwk } = stored;
  if (jwk.d !== undefined) {
    let derived: string;
    try {
      derived = publicHalfOf(jwk.d);
    } catch {
      throw new Error(`Signing key "${kid}" is not a valid Ed25519 private key`);
    }
    if (derived !== jwk.x) throw new Error(`Signing key "${kid}": x is not the public half of d`);
  }
  const publicJwk: PublicSigningJwk = { kty: "OKP", crv: "Ed25519", x: jwk.x, kid, alg: "EdDSA", use: "sig" };
  try {
    const publicKey = (await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x }, "EdDSA")) as CryptoKey;
    // A KeyObject: signing goes through node:crypto (compact-jws.ts), verification through jose with the CryptoKey.
    const privateKey = jwk.d === undefined ? undefined : createPrivateKey({ key: { ...jwk }, format: "jwk" });
    return { kid, publicJwk, publicKey, privateKey, activatesAt: privateKey ? stored.activatesAt : undefined };
  } catch {
    throw new Error(`Signing key "${kid}" is not a valid Ed25519 key`);
  }
}

// RFC 8410 PKCS#8 wrapping of a raw Ed25519 seed; Node 26 refuses a JWK whose x does not match d, so derive x from d alone.
const ed25519Pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

function publicHalfOf(d: string): string {
  const seed = Buffer.from(d, "base64url");
  if (seed.length !== 32) throw new Error("not an Ed25519 private key");
  return toStoredJwk(createPrivateKey({ key: Buffer.concat([ed25519Pkcs8Prefix, seed]), format: "der", type: "pkcs8" })).x;
}

function toStoredJwk(key: KeyObject): StoredSigningKey["jwk"] {
  if (key.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 key");
  const jwk = key.export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new Error("not an Ed25519 key");
  return key.type === "private" && typeof jwk.d === "string"
    ? { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d }
    : { kty: "OKP", crv: "Ed25519", x: jwk.x };
}
