import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/platform/db/database.js";
import { createLogger } from "../src/platform/logger.js";
import { createScratchDatabase, serverUrl } from "./support/database.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

it("npm run jobs:retention deletes the sign-in history past its retention once and says how much", { timeout: 120_000 }, async () => {
  const scratch = serverUrl ? await createScratchDatabase() : undefined;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-retention-cli-"));
  const env: Record<string, string> = { ...(scratch?.url ? { DATABASE_URL: scratch.url } : { DATA_DIR: dataDir }), DATA_RETENTION_DEFAULT_DAYS: "30" };
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete environment.DATABASE_URL;
  const database = () => openDatabase(loadConfig(env).database, { logger: createLogger({ level: "silent" }), migrate: true });
  try {
    const seeding = await database();
    try {
      const old = new Date(Date.now() - 31 * 86_400_000);
      await seeding.prisma.loginAttempt.createMany({ data: [{ email: "gone@example.com", success: false, createdAt: old }, { email: "kept@example.com", success: false }] });
    } finally {
      await seeding.close();
    }

    const run = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/modules/privacy/retention.cli.ts"], { cwd: projectRoot, env: environment });
    expect(run.stdout).toContain("Deleted 1 login attempts and 0 security events");

    const reading = await database();
    try {
      expect((await reading.prisma.loginAttempt.findMany({ select: { email: true } })).map((row) => row.email)).toEqual(["kept@example.com"]);
    } finally {
      await reading.close();
    }
  } finally {
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
