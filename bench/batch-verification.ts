import { randomUUID } from "node:crypto";
import { loadConfig } from "../src/config.js";
import { embeddedEnvironment } from "./bench-services.js";
import { closeDependencies, openDependencies } from "../src/deps.js";
import { createLogger } from "../src/platform/logger.js";
import { verifyUsers } from "../src/modules/users/verification.service.js";
import { measureLoop, type LoopResult } from "./timing.js";

export interface BatchVerificationResult {
  ids: number;
  members: number;
  batch: LoopResult;
}

const ids = 1_000;
const members = 800;

/** verifyUsers for 1,000 ids (800 of them members) on the embedded database: the seed's 500 ms budget, target p99 ≤ 50 ms. */
export async function measureBatchVerification(options: { dataDir: string; durationMs: number }): Promise<BatchVerificationResult> {
  const config = loadConfig(embeddedEnvironment(options.dataDir));
  const deps = await openDependencies(config, createLogger({ level: "error" }));
  try {
    const prisma = deps.database.prisma;
    const company = await prisma.company.create({ data: { name: "Batch Bench", slug: `batch-bench-${randomUUID()}`, type: "ORGANIZATION" }, select: { id: true } });
    const userIds = Array.from({ length: members }, () => randomUUID());
    await prisma.user.createMany({ data: userIds.map((id, index) => ({ id, email: `batch-${index}-${id}@example.com`, fullName: `Member ${index}` })) });
    await prisma.membership.createMany({ data: userIds.map((userId) => ({ userId, companyId: company.id, role: "MEMBER" as const, status: "ACTIVE" as const, roleSince: new Date() })) });
    const asked = [...userIds, ...Array.from({ length: ids - members }, () => randomUUID())];
    return { ids, members, batch: await measureLoop(options.durationMs, () => verifyUsers(deps.services, company.id, asked)) };
  } finally {
    await closeDependencies(deps);
  }
}
