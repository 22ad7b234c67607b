import type { AppDeps } from "./deps.js";

type CheckStatus = "ok" | "unavailable" | "disabled";

export interface HealthReport {
  service: string;
  status: "healthy" | "degraded";
  version: string;
  timestamp: string;
  checks: {
    database: { status: CheckStatus; kind: string; latencyMs: number };
    cache: { status: CheckStatus };
  };
}

const checkTimeoutMs = 2_000;

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), checkTimeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The service's health: degraded when the database, or a configured Redis, does not answer. */
export async function checkHealth(deps: AppDeps): Promise<HealthReport> {
  const started = performance.now();
  const [database, cache] = await Promise.all([
    withTimeout(
      deps.database.ping().then(
        () => "ok" as const,
        () => "unavailable" as const,
      ),
      "unavailable" as const,
    ),
    withTimeout(deps.cache.health(), "unavailable" as const),
  ]);
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  return {
    service: deps.config.service.name,
    status: database === "ok" && cache !== "unavailable" ? "healthy" : "degraded",
    version: deps.config.service.version,
    timestamp: new Date().toISOString(),
    checks: { database: { status: database, kind: deps.database.kind, latencyMs }, cache: { status: cache } },
  };
}
