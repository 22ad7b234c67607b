import { randomUUID } from "node:crypto";
import { loadConfig } from "../src/config.js";
import { embeddedEnvironment } from "./bench-services.js";
import { createBenchDatabase } from "./scratch-database.js";
import { closeDependencies, openDependencies } from "../src/deps.js";
import { assessLoginRisk } from "../src/modules/security/security-events.service.js";
import { createLogger } from "../src/platform/logger.js";
import { measureLoop, type LoopResult } from "./timing.js";

export interface LoginRiskResult {
  historyRows: number;
  /** On the embedded PGlite. */
  assessment: LoopResult;
  /** On a scratch database of DATABASE_URL's server, as production runs it; null without DATABASE_URL. */
  onPostgres: LoopResult | null;
}

const historyRows = 500;

/** What the suspicious-login check adds to a sign-in: assessLoginRisk for a user with a long history, on each database there is. */
export async function measureLoginRisk(options: { dataDir: string; durationMs: number }): Promise<LoginRiskResult> {
  const embedded = embeddedEnvironment(options.dataDir);
  const assessment = await measureAssessment(embedded, options.durationMs);
  const serverUrl = process.env.DATABASE_URL;
  const onPostgres = serverUrl ? await measureAssessment({ ...embedded, DATABASE_URL: await createBenchDatabase(serverUrl) }, options.durationMs) : null;
  return { historyRows, assessment, onPostgres };
}

async function measureAssessment(env: NodeJS.ProcessEnv, durationMs: number): Promise<LoopResult> {
  const config = loadConfig(env);
  const deps = await openDependencies(config, createLogger({ level: "error" }));
  try {
    const prisma = deps.database.prisma;
    const user = await prisma.user.create({ data: { email: `risk-${randomUUID()}@example.com`, fullName: "Risk Bench" }, select: { id: true, email: true } });
    const hourMs = 3600_000;
    await prisma.loginAttempt.createMany({
      data: Array.from({ length: historyRows }, (_, index) => ({
        userId: user.id,
        email: user.email,
        success: index % 10 !== 0,
        reason: index % 10 === 0 ? "wrong_password" : null,
        ip: `192.0.2.${index % 200}`,
        userAgent: `agent-${index % 7}`,
        createdAt: new Date(Date.now() - index * hourMs),
      })),
    });
    const client = { ip: "198.51.100.7", userAgent: "agent-new" };
    return await measureLoop(durationMs, () => assessLoginRisk(deps.services, user.id, client));
  } finally {
    await closeDependencies(deps);
  }
}
