import { randomUUID } from "node:crypto";
import { loadConfig } from "../src/config.js";
import { embeddedEnvironment } from "./bench-services.js";
import { closeDependencies, openDependencies } from "../src/deps.js";
import { assessLoginRisk } from "../src/modules/security/security-events.service.js";
import { createLogger } from "../src/platform/logger.js";
import { measureLoop, type LoopResult } from "./timing.js";

export interface LoginRiskResult {
  historyRows: number;
  assessment: LoopResult;
}

const historyRows = 500;

/** What the suspicious-login check adds to a sign-in: assessLoginRisk for a user with a long history, on the embedded database. */
export async function measureLoginRisk(options: { dataDir: string; durationMs: number }): Promise<LoginRiskResult> {
  const config = loadConfig(embeddedEnvironment(options.dataDir));
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
    return { historyRows, assessment: await measureLoop(options.durationMs, () => assessLoginRisk(deps.services, user.id, client)) };
  } finally {
    await closeDependencies(deps);
  }
}
