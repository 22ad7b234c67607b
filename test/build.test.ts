import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFile, mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { readMigrations } from "../src/platform/db/migrations.js";
import { registerAccount } from "./support/accounts.js";
import { createScratchDatabase, serverUrl, type ScratchDatabase } from "./support/database.js";
import { startServerProcess } from "./support/server-process.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

// Laid out as the image is: package.json, node_modules, prisma/migrations and the compiled dist/, no src/.
let imageRoot: string;
let scratch: ScratchDatabase | undefined;
let dataDir: string;

beforeAll(async () => {
  imageRoot = await mkdtemp(path.join(os.tmpdir(), "um-build-"));
  await run("npm", ["run", "build", "--", "--outDir", path.join(imageRoot, "dist")], { cwd: projectRoot });
  await copyFile(path.join(projectRoot, "package.json"), path.join(imageRoot, "package.json"));
  await symlink(path.join(projectRoot, "node_modules"), path.join(imageRoot, "node_modules"));
  await symlink(path.join(projectRoot, "prisma"), path.join(imageRoot, "prisma"));
  dataDir = await mkdtemp(path.join(os.tmpdir(), "um-build-data-"));
}, 180_000);

afterAll(async () => {
  await scratch?.drop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(imageRoot, { recursive: true, force: true });
});

/** An empty database of its own: a scratch PostgreSQL database, or a fresh PGlite directory. */
async function emptyDatabase(): Promise<Record<string, string | undefined>> {
  if (!serverUrl) return { DATABASE_URL: undefined, DATA_DIR: dataDir };
  scratch = await createScratchDatabase();
  return { DATABASE_URL: scratch.url };
}

async function migrationsTableExists(): Promise<boolean> {
  const [row] = await scratch!.executor.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists");
  return row!.exists;
}

describe("npm run build", () => {
  it("compiles a server that migrates with dist/platform/db/migrate.cli.js, serves GraphQL from dist/main.js and exits 0 on SIGTERM", async () => {
    const database = await emptyDatabase();
    const env = { ...process.env, ...database, LOG_LEVEL: "warn" };
    const serverEnv = { ...database, DATABASE_MIGRATE_ON_START: "false", REDIS_NAMESPACE: `um-build-${randomUUID()}` };
    const migrations = await readMigrations();
    if (scratch) {
      const refused = startServerProcess(serverEnv, { args: ["dist/main.js"], cwd: imageRoot });
      await expect(refused).rejects.toThrow(`The database lacks ${migrations.length} migration(s)`);
      expect(await migrationsTableExists()).toBe(false);
    }

    const { stdout } = await run(process.execPath, ["dist/platform/db/migrate.cli.js"], { cwd: imageRoot, env });
    expect(stdout).toContain(`applied ${migrations.length} migration(s):`);

    const server = await startServerProcess(serverEnv, { args: ["dist/main.js"], cwd: imageRoot });
    try {
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
      const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string; version: string };
      expect(health).toMatchObject({ status: "healthy", version: packageJson.version });
      expect((await server.graphql("{ __typename }")).data).toEqual({ __typename: "Query" });
      const account = await registerAccount(server);
      expect(account.user.email).toBe(account.email);
      expect(account.tokens.accessToken).toEqual(expect.any(String));
    } finally {
      const exitCode = await server.stop();
      expect(exitCode, server.output()).toBe(0);
      expect(server.output()).toContain("stopped");
    }
  }, 120_000);
});
