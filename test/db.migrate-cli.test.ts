import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { readMigrations } from "../src/platform/db/migrations.js";
import { createScratchDatabase, serverUrl } from "./support/database.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

async function runMigrateCli(env: Record<string, string>): Promise<string> {
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete environment.DATABASE_URL;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/platform/db/migrate.cli.ts"], {
    cwd: projectRoot,
    env: environment,
  });
  return stdout;
}

it("npm run db:migrate applies the pending migrations, then finds the database up to date", { timeout: 120_000 }, async () => {
  const names = (await readMigrations()).map((migration) => migration.name);
  const scratch = serverUrl ? await createScratchDatabase() : undefined;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-migrate-cli-"));
  const env: Record<string, string> = scratch?.url ? { DATABASE_URL: scratch.url } : { DATA_DIR: dataDir };
  try {
    const first = await runMigrateCli(env);
    expect(first).toContain(`applied ${names.length} migration(s):`);
    for (const name of names) expect(first).toContain(`  ${name}`);
    expect(await runMigrateCli(env)).toContain("already up to date.");
  } finally {
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
