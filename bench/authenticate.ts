import "reflect-metadata";
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../src/config.js";
import { embeddedEnvironment } from "./bench-services.js";
import { closeDependencies, openDependencies, type AppDeps } from "../src/deps.js";
import { createLogger } from "../src/platform/logger.js";
import { createServer } from "../src/server.js";
import { accessTokenOf, registerMutation, type GraphQLBody } from "./operations.js";
import { measureLoop, type LoopResult } from "./timing.js";

export interface AuthenticateResult {
  /** How the measured tokens were obtained. */
  tokenSource: string;
  cachedToken: LoopResult;
  uncachedToken: LoopResult;
  uncachedPoolSize: number;
}

// Larger than the token service's 10,000-entry cache: cycling through them, every call misses.
const uncachedPoolSize = 12_000;

/** `deps.authenticate(header)` on a real deps object (database, cache, key ring) opened in this process. */
export async function measureAuthenticate(options: { dataDir: string; durationMs: number }): Promise<AuthenticateResult> {
  const config = loadConfig(embeddedEnvironment(options.dataDir));
  const deps = await openDependencies(config, createLogger({ level: "error" }));
  try {
    // Kept open while measuring, in case the server wires request-path state (such as revocations) into deps.
    const app = await createServer(deps);
    try {
      const token = await registerInProcess(app);
      const header = `Bearer ${token}`;
      const pool = await issueSameClaims(deps, token, uncachedPoolSize);
      return {
        tokenSource: "register mutation (a real session); the uncached pool re-issued for that session",
        cachedToken: await measureLoop(options.durationMs, () => deps.authenticate(header)),
        uncachedToken: await measureLoop(options.durationMs, (index) => deps.authenticate(pool[index % pool.length])),
        uncachedPoolSize,
      };
    } finally {
      await app.close();
    }
  } finally {
    await closeDependencies(deps);
  }
}

async function registerInProcess(app: FastifyInstance): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: "/graphql",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({
      query: registerMutation,
      variables: { input: { email: `bench-${randomUUID()}@example.com`, password: "Bench-password-1234!", fullName: "Bench User" } },
    }),
  });
  return accessTokenOf(response.json<GraphQLBody>(), "register");
}

/** Fresh tokens (new jti, same user, company, session, role) as `Bearer …` headers. */
async function issueSameClaims(deps: AppDeps, token: string, count: number): Promise<string[]> {
  const claims = await deps.tokens.verifyAccessToken(token);
  const headers: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const issued = await deps.tokens.issueAccessToken({
      userId: claims.userId,
      companyId: claims.companyId,
      sessionId: claims.sessionId,
      role: claims.role,
      permissions: claims.permissions,
      tier: claims.tier,
    });
    headers.push(`Bearer ${issued.token}`);
  }
  return headers;
}
