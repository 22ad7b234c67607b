import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { migrateDatabase } from "../src/platform/db/database.js";
import { startPrivatePostgres } from "../test/support/private-postgres.js";
import { onCleanup } from "./cleanup.js";
import { startServerProcess } from "./server-process.js";
import { makeTempDir } from "./temp-dir.js";

export interface PostgresOutageOptions {
  users?: number;
  outageMs?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

interface PhaseFigures {
  answers: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PostgresOutageResult {
  users: number;
  connectTimeoutMs: number;
  /** Complete answers before the stop. */
  healthy: PhaseFigures;
  /** Answers between `pg_ctl stop -m fast` and the restart, and how many said SERVICE_UNAVAILABLE or anything else. */
  outage: PhaseFigures & { unavailable: number; otherErrors: number };
  /** From the restart until every user has had a complete answer again, without restarting the server. */
  recoveryMs: number;
  /** Answers carrying another user's id or email (must be 0). */
  wrongUserAnswers: number;
}

const query = JSON.stringify({ query: "{ me { id email } sessions { id } }" });
const register = `mutation Register($input: RegisterInput!) { register(input: $input) { user { id } tokens { accessToken } userErrors { code } } }`;

interface Answer {
  phase: "healthy" | "outage" | "recovery";
  ms: number;
  complete: boolean;
  codes: string[];
  wrongUser: boolean;
  user: number;
}

/**
 * A server process on a private PostgreSQL cluster, `users` users asking `{ me sessions }` in a loop each,
 * while the cluster is stopped for `outageMs` and started again.
 */
export async function measurePostgresOutage(options: PostgresOutageOptions = {}): Promise<PostgresOutageResult> {
  const { users: userCount = 8, outageMs = 2000, connectTimeoutMs = 1000, statementTimeoutMs = 2000 } = options;
  const postgres = await startPrivatePostgres();
  onCleanup(() => postgres.dispose());
  await migrateDatabase({ kind: "postgres", url: postgres.url, schema: undefined, poolSize: 1, connectTimeoutMs, statementTimeoutMs });
  const server = await startServerProcess({
    name: "postgres-outage",
    entry: "src/main.ts",
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "error",
      LOG_FORMAT: "json",
      DATA_DIR: await makeTempDir("bench-pg-outage-"),
      DATABASE_URL: postgres.url,
      DATABASE_POOL_SIZE: "4",
      DATABASE_CONNECT_TIMEOUT_MS: String(connectTimeoutMs),
      DATABASE_STATEMENT_TIMEOUT_MS: String(statementTimeoutMs),
      RATE_LIMIT_REGISTER_PER_IP: "off",
      OUTBOX_PUBLISH_INTERVAL_MS: "60000",
    },
  });
  onCleanup(() => server.stop());
  const post = async (body: string, token?: string) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    return (await response.json()) as { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] };
  };

  const users: { id: string; email: string; token: string }[] = [];
  for (let index = 0; index < userCount; index++) {
    const email = `outage-${index}-${randomUUID()}@example.com`;
    const input = { email, password: `Outage-${randomUUID()}`, fullName: `Outage ${index}` };
    const body = await post(JSON.stringify({ query: register, variables: { input } }));
    users.push({ id: body.data!.register.user.id, email, token: body.data!.register.tokens.accessToken });
  }

  let phase: Answer["phase"] = "healthy";
  let running = true;
  const answers: Answer[] = [];
  const load = users.map(async (user, index) => {
    while (running) {
      const asked = phase;
      const started = performance.now();
      const body = await post(query, user.token);
      const me = body.data?.me as { id: string; email: string } | null | undefined;
      answers.push({
        phase: asked,
        ms: performance.now() - started,
        complete: !body.errors && Boolean(me),
        codes: (body.errors ?? []).map((error) => error.extensions?.code ?? "none"),
        wrongUser: Boolean(me && (me.id !== user.id || me.email !== user.email)),
        user: index,
      });
    }
  });
  await sleep(1000);
  phase = "outage";
  await postgres.stop();
  await sleep(outageMs);
  await postgres.start();
  phase = "recovery";
  const restarted = performance.now();
  const recovered = () => users.every((_, index) => answers.some((answer) => answer.phase === "recovery" && answer.user === index && answer.complete));
  while (!recovered() && performance.now() - restarted < 30_000) await sleep(20);
  const recoveryMs = performance.now() - restarted;
  running = false;
  await Promise.all(load);

  const outage = answers.filter((answer) => answer.phase === "outage");
  return {
    users: userCount,
    connectTimeoutMs,
    healthy: figures(answers.filter((answer) => answer.phase === "healthy" && answer.complete)),
    outage: {
      ...figures(outage),
      unavailable: outage.filter((answer) => answer.codes.includes("SERVICE_UNAVAILABLE")).length,
      otherErrors: outage.filter((answer) => answer.codes.some((code) => code !== "SERVICE_UNAVAILABLE")).length,
    },
    recoveryMs: Math.round(recoveryMs),
    wrongUserAnswers: answers.filter((answer) => answer.wrongUser).length,
  };
}

function figures(answers: Answer[]): PhaseFigures {
  const ms = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  const at = (share: number) => Math.round((ms[Math.min(ms.length - 1, Math.floor(ms.length * share))] ?? 0) * 10) / 10;
  return { answers: ms.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
