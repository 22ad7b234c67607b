import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { decodeProtectedHeader } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../src/platform/secret-box.js";
import { MeDocument } from "./generated/graphql.js";
import { registerAccount, signIn } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";

// Two processes need one shared database: PostgreSQL (PGlite is one process). Redis carries the change when set; else the reload interval does.
const sharedDatabase = Boolean(process.env.DATABASE_URL);
const viaRedis = Boolean(process.env.REDIS_URL);
const activationDelaySeconds = 10;
const run = promisify(execFile);

describe.runIf(sharedDatabase)("live key rotation across two server processes", () => {
  const secretKey = randomBytes(32).toString("base64");
  let database: TestDatabase;
  let environment: Record<string, string | undefined>;
  let replicas: ServerProcess[];
  let cliOutput = "";
  let account: Awaited<ReturnType<typeof registerAccount>>;
  let oldKid: string;
  let newKid: string;
  let activatesAt: number;
  let oldToken: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    environment = {
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL,
      REDIS_NAMESPACE: `um-keys-${randomBytes(4).toString("hex")}`,
      SECRET_ENCRYPTION_KEY: secretKey,
      JWT_KEY_ACTIVATION_DELAY_SECONDS: String(activationDelaySeconds),
      // With Redis the interval is too long to matter, so the test shows the message does the work.
      JWT_KEYS_RELOAD_SECONDS: viaRedis ? "3600" : "1",
    };
    replicas = await Promise.all([startServerProcess(environment), startServerProcess(environment)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await database?.drop();
  });

  const jwksKids = async (replica: ServerProcess) => {
    const body = (await (await fetch(`${replica.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    return body.keys.map((key) => key.kid);
  };
  const kidOf = (token: string) => decodeProtectedHeader(token).kid!;
  const meStatus = async (replica: ServerProcess, token: string) => (await replica.graphql(MeDocument, {}, { token })).status;
  const signInKids = async () => Promise.all(replicas.map(async (replica) => kidOf((await signIn(replica, account.email)).accessToken)));
  async function rotateKeys(...args: string[]) {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/platform/tokens/rotate-keys.cli.ts", ...args], {
      env: { ...process.env, ...environment, DATA_DIR: "/nonexistent-cli-data", LOG_LEVEL: "warn" },
    });
    cliOutput += stdout;
    return stdout;
  }
  async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  it("starts both replicas on the one key the first of them created", async () => {
    const [first, second] = await Promise.all(replicas.map(jwksKids));
    expect(first).toHaveLength(1);
    expect(second).toEqual(first);
    oldKid = first![0]!;
    account = await registerAccount(replicas[0]!);
    oldToken = account.tokens.accessToken;
    expect(kidOf(oldToken)).toBe(oldKid);
    // Verified once on each replica, so it sits in both verified-token caches.
    expect(await Promise.all(replicas.map((replica) => meStatus(replica, oldToken)))).toEqual([200, 200]);
  });

  it("`keys:rotate` publishes the new key on both replicas before either signs with it", async () => {
    const stdout = await rotateKeys();
    const printed = /New signing key (\S+): published now, signs from (\S+)\./.exec(stdout);
    expect(printed, stdout).not.toBeNull();
    newKid = printed![1]!;
    activatesAt = Date.parse(printed![2]!);

    expect(await eventually(async () => (await Promise.all(replicas.map(jwksKids))).every((kids) => kids.includes(newKid)))).toBe(true);
    expect(await Promise.all(replicas.map(jwksKids))).toEqual([
      [oldKid, newKid],
      [oldKid, newKid],
    ]);
    expect(await signInKids()).toEqual([oldKid, oldKid]);
    // The checks above only mean something if they ran before the activation.
    expect(Date.now()).toBeLessThan(activatesAt);
  });

  it("after the activation both sign with the new key, and tokens of the old key still verify", async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, activatesAt - Date.now() + 100)));
    expect(await signInKids()).toEqual([newKid, newKid]);
    expect(await Promise.all(replicas.map(jwksKids))).toEqual([
      [newKid, oldKid],
      [newKid, oldKid],
    ]);
    expect(await Promise.all(replicas.map((replica) => meStatus(replica, oldToken)))).toEqual([200, 200]);
  });

  it("`keys:rotate -- --withdraw` makes both refuse the old key at once, even a token already verified", async () => {
    const newToken = (await signIn(replicas[1]!, account.email)).accessToken;
    const stdout = await rotateKeys(`--withdraw=${oldKid}`);
    expect(stdout).toContain(`Withdrew ${oldKid}`);
    expect(await eventually(async () => (await Promise.all(replicas.map((replica) => meStatus(replica, oldToken)))).every((status) => status === 401))).toBe(true);
    expect(await Promise.all(replicas.map(jwksKids))).toEqual([[newKid], [newKid]]);
    expect(await Promise.all(replicas.map((replica) => meStatus(replica, newToken)))).toEqual([200, 200]);
  });

  it("never wrote a private key to a log or to the CLI's output", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ private_key_sealed: string }>("SELECT private_key_sealed FROM signing_keys");
    await client.end();
    const box = createSecretBox(Buffer.from(secretKey, "base64"));
    expect(rows.length).toBe(2);
    const everything = cliOutput + replicas.map((replica) => replica.output()).join("");
    for (const row of rows) {
      const d = box.open(row.private_key_sealed);
      expect(everything).not.toContain(d);
      expect(everything).not.toContain(row.private_key_sealed);
    }
  });
});
