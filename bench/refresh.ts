import { randomBytes } from "node:crypto";
import { createHistogram } from "node:perf_hooks";
import { postGraphQL, registerMutation } from "./operations.js";
import { createBenchDatabase, realServices } from "./scratch-database.js";
import { startServerProcess } from "./server-process.js";
import { makeTempDir } from "./temp-dir.js";

export interface RefreshOptions {
  sessions: number;
  durationSeconds: number;
  /** The server's entry (compiled JavaScript as production runs it, or `src/main.ts`). */
  entry?: string;
}

export interface RefreshResult {
  sessions: number;
  durationSeconds: number;
  refreshes: number;
  refreshesPerSecond: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

const refreshMutation = `mutation Refresh($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { tokens { refreshToken } userErrors { code } }
}`;
const registerWithRefresh = registerMutation.replace("tokens { accessToken }", "tokens { accessToken refreshToken }");

/** One server on real PostgreSQL + Redis; every session runs its own chain of sequential rotations, all chains at once. */
export async function measureRefresh({ sessions, durationSeconds, entry = "src/main.ts" }: RefreshOptions): Promise<RefreshResult> {
  const { databaseUrl, redisUrl } = realServices();
  const server = await startServerProcess({
    name: "user-management server (refresh)",
    entry,
    env: {
      DATA_DIR: await makeTempDir("um-bench-refresh-"),
      DATABASE_URL: await createBenchDatabase(databaseUrl),
      REDIS_URL: redisUrl,
      REDIS_NAMESPACE: `um-bench-${randomBytes(4).toString("hex")}`,
      LOG_LEVEL: "warn",
      RATE_LIMIT_REGISTER_PER_IP: "off",
      RATE_LIMIT_REFRESH_PER_IP: "off",
      RATE_LIMIT_REFRESH_PER_ACCOUNT: "off",
    },
  });
  try {
    const tokens = await registerSessions(server.url, sessions);
    const latencyMicros = createHistogram();
    let refreshes = 0;
    let failures = 0;
    const startedAt = performance.now();
    const endsAt = startedAt + durationSeconds * 1000;
    await Promise.all(
      tokens.map(async (first) => {
        let token: string | null = first;
        while (token && performance.now() < endsAt) {
          const before = performance.now();
          token = await rotate(server.url, token);
          latencyMicros.record(Math.max(1, Math.round((performance.now() - before) * 1000)));
          if (token) refreshes += 1;
          else failures += 1;
        }
      }),
    );
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    return {
      sessions,
      durationSeconds: Math.round(elapsedSeconds * 10) / 10,
      refreshes,
      refreshesPerSecond: Math.round(refreshes / elapsedSeconds),
      failures,
      p50Ms: Math.round(latencyMicros.percentile(50) / 100) / 10,
      p99Ms: Math.round(latencyMicros.percentile(99) / 100) / 10,
    };
  } finally {
    await server.stop();
  }
}

async function rotate(url: string, refreshToken: string): Promise<string | null> {
  const result = await postGraphQL(url, JSON.stringify({ query: refreshMutation, variables: { refreshToken } })).catch(() => null);
  const payload = result?.data?.refreshToken as { tokens?: { refreshToken?: string } | null } | undefined;
  return payload?.tokens?.refreshToken ?? null;
}

// Registration is argon2-bound: a few at a time keeps the server's hashing queue short.
async function registerSessions(url: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  const register = async () => {
    while (tokens.length < count) {
      const input = { email: `refresh-${randomBytes(6).toString("hex")}@example.com`, password: `Bench-${randomBytes(12).toString("hex")}`, fullName: "Refresh Bench" };
      const result = await postGraphQL(url, JSON.stringify({ query: registerWithRefresh, variables: { input } }));
      const token = (result.data?.register as { tokens?: { refreshToken?: string } | null } | undefined)?.tokens?.refreshToken;
      if (!token) throw new Error(`register returned no refresh token: ${JSON.stringify(result)}`);
      tokens.push(token);
    }
  };
  await Promise.all(Array.from({ length: 4 }, register));
  return tokens.slice(0, count);
}
