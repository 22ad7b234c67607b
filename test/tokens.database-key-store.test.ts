import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { createSecretBox } from "../src/platform/secret-box.js";
import { createKeyRing, createTokenService, databaseKeyStore, rotateSigningKey, withdrawSigningKey } from "../src/platform/tokens/index.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";

const ttl = 3600;
const secretBox = createSecretBox(randomBytes(32));
const silent = createLogger({ level: "silent" });

let testDatabase: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.settings, { logger: silent });
});

afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

beforeEach(async () => {
  await database.prisma.signingKey.deleteMany();
});

const storeFor = (options: { box?: typeof secretBox; logger?: typeof silent } = {}) =>
  databaseKeyStore({ prisma: database.prisma, secretBox: options.box ?? secretBox, logger: options.logger ?? silent });

describe("signing_keys table", () => {
  it("creates one first key however many replicas start at once", async () => {
    // On PostgreSQL each ring has its own pool, as replicas do; PGlite is one connection.
    const extra = testDatabase.url ? await Promise.all([1, 2, 3].map(() => openDatabase(testDatabase.settings, { logger: silent }))) : [];
    try {
      const stores = [database, ...extra].map((db) => databaseKeyStore({ prisma: db.prisma, secretBox, logger: silent }));
      const rings = await Promise.all([...stores, ...stores].map((store) => createKeyRing({ store, accessTokenTtlSeconds: ttl })));
      expect(new Set(rings.map((ring) => ring.signingKey().kid)).size).toBe(1);
      expect(await database.prisma.signingKey.count()).toBe(1);
    } finally {
      await Promise.all(extra.map((db) => db.close()));
    }
  });

  it("keeps the private key only sealed: the row holds the public x and AES-GCM ciphertext of d", async () => {
    const store = storeFor();
    const [key] = await store.load();
    const row = await database.prisma.signingKey.findUniqueOrThrow({ where: { kid: key!.kid } });
    expect(row.publicKeyX).toBe(key!.jwk.x);
    expect(row.privateKeySealed).not.toContain(key!.jwk.d!);
    expect(JSON.stringify(row)).not.toContain(key!.jwk.d!);
    expect(secretBox.open(row.privateKeySealed)).toBe(key!.jwk.d);
  });

  it("lets a ring on another connection verify tokens signed by the first (shared storage, not per process)", async () => {
    const first = await createKeyRing({ store: storeFor(), accessTokenTtlSeconds: ttl });
    const second = await createKeyRing({ store: storeFor(), accessTokenTtlSeconds: ttl });
    const issuer = createTokenService({ keys: first, issuer: "i", audience: "a", accessTokenTtlSeconds: ttl });
    const verifier = createTokenService({ keys: second, issuer: "i", audience: "a", accessTokenTtlSeconds: ttl });
    const { token } = await issuer.issueAccessToken({ userId: "u", companyId: "c", sessionId: "s", role: "OWNER", permissions: [], tier: "FREE" });
    await expect(verifier.verifyAccessToken(token)).resolves.toMatchObject({ keyId: first.signingKey().kid });
  });

  it("stores a rotation with its activation time and a withdrawal with a replacement in one step", async () => {
    const store = storeFor();
    const ring = await createKeyRing({ store, accessTokenTtlSeconds: ttl });
    const firstKid = ring.signingKey().kid;
    const { kid: pendingKid, activatesAt } = await rotateSigningKey(store, { activationDelaySeconds: 300 });
    await ring.reload();
    expect(ring.publicKeys().map((key) => key.kid)).toEqual([firstKid, pendingKid]);
    const pendingRow = await database.prisma.signingKey.findUniqueOrThrow({ where: { kid: pendingKid } });
    expect(pendingRow.activatesAt.getTime()).toBe(activatesAt);

    const { withdrawn, replacementKid } = await withdrawSigningKey(store, firstKid);
    expect(withdrawn).toBe(true);
    await ring.reload();
    expect(ring.signingKey().kid).toBe(replacementKid);
    expect(ring.publicKeys().map((key) => key.kid)).toEqual([replacementKid, pendingKid]);
    expect((await database.prisma.signingKey.findUniqueOrThrow({ where: { kid: firstKid } })).withdrawnAt).not.toBeNull();
    expect(await withdrawSigningKey(store, firstKid)).toEqual({ withdrawn: false });
    expect(await withdrawSigningKey(store, "no-such-kid")).toEqual({ withdrawn: false });
  });

  it("ignores a row it cannot decrypt, logging its kid only, and keeps signing with the others", async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
    const ring = await createKeyRing({ store: storeFor(), accessTokenTtlSeconds: ttl });
    const goodKid = ring.signingKey().kid;
    const otherBox = createSecretBox(randomBytes(32));
    const { kid: foreignKid } = await rotateSigningKey(storeFor({ box: otherBox }), { activationDelaySeconds: 0 });
    const foreignD = otherBox.open((await database.prisma.signingKey.findUniqueOrThrow({ where: { kid: foreignKid } })).privateKeySealed);

    const store = storeFor({ logger });
    const reading = await createKeyRing({ store, accessTokenTtlSeconds: ttl, logger });
    expect(reading.signingKey().kid).toBe(goodKid);
    expect(reading.publicKeys().map((key) => key.kid)).toEqual([goodKid]);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 50, kid: foreignKid, msg: "signing key ignored: it cannot be decrypted with SECRET_ENCRYPTION_KEY" }),
    ]);
    expect(lines.join("")).not.toContain(foreignD);
  });
});
