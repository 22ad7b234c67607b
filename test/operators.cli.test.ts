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

async function runOperatorsCli(env: Record<string, string>, ...args: string[]) {
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete environment.DATABASE_URL;
  return promisify(execFile)(process.execPath, ["--import", "tsx", "src/modules/security/operators.cli.ts", ...args], { cwd: projectRoot, env: environment }).catch(
    (error: { code: number; stdout: string; stderr: string }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
  );
}

it("npm run operators grants, lists and withdraws the operator flag, audited, and says so for an unknown user", { timeout: 120_000 }, async () => {
  const scratch = serverUrl ? await createScratchDatabase() : undefined;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-operators-cli-"));
  const env: Record<string, string> = scratch?.url ? { DATABASE_URL: scratch.url } : { DATA_DIR: dataDir };
  const settings = loadConfig(env).database;
  const withDatabase = async <T>(work: (prisma: Awaited<ReturnType<typeof openDatabase>>["prisma"]) => Promise<T>) => {
    const database = await openDatabase(settings, { logger: createLogger({ level: "silent" }), migrate: true });
    try {
      return await work(database.prisma);
    } finally {
      await database.close();
    }
  };
  try {
    const user = await withDatabase((prisma) => prisma.user.create({ data: { email: "ops@example.com", fullName: "Ops Person" }, select: { id: true } }));

    expect((await runOperatorsCli(env, "grant", "OPS@example.com")).stdout).toContain(`Granted platform operator rights: ${user.id}`);
    expect((await runOperatorsCli(env, "list")).stdout).toContain(`${user.id}  ops@example.com`);
    expect((await runOperatorsCli(env, "revoke", user.id)).stdout).toContain("Withdrew");
    const unknown = await runOperatorsCli(env, "grant", "nobody@example.com");
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('No user with the email or id "nobody@example.com"');
    expect((await runOperatorsCli(env, "promote")).stderr).toContain("usage: npm run operators");

    const { flag, audit } = await withDatabase(async (prisma) => ({
      flag: (await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { isPlatformOperator: true } })).isPlatformOperator,
      audit: (await prisma.auditEvent.findMany({ where: { targetId: user.id }, orderBy: { createdAt: "asc" }, select: { action: true, actorId: true } })),
    }));
    expect(flag).toBe(false);
    expect(audit).toEqual([{ action: "operator.granted", actorId: null }, { action: "operator.revoked", actorId: null }]);
  } finally {
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
