import { performance } from "node:perf_hooks";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRetention } from "../src/modules/privacy/retention.service.js";
import { migrateDatabase } from "../src/platform/db/database.js";
import { serverUrl, type TestDatabase } from "./support/database.js";
import { startPrivatePostgres, type PrivatePostgres } from "./support/private-postgres.js";
import { startTestServer, type GraphQLResponse, type SeededUser, type TestServer } from "./support/server.js";

const connectTimeoutMs = 1000;
const statementTimeoutMs = 1000;
const unavailable = { code: "SERVICE_UNAVAILABLE", message: "The service is temporarily unavailable; try again" };
const meAndSessions = "{ me { id email } sessions { id } }";

interface Answer {
  user: SeededUser;
  response: GraphQLResponse<{ me: { id: string; email: string } | null; sessions: { id: string }[] | null }>;
  ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A private cluster on its own port: these tests stop it and lock its tables, never the shared server's.
describe.runIf(serverUrl)("PostgreSQL faults (a private cluster)", () => {
  let postgres: PrivatePostgres;
  let server: TestServer;
  let users: SeededUser[];
  let locker: pg.Client | undefined;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    const settings = { kind: "postgres" as const, url: postgres.url, schema: undefined, poolSize: 4, connectTimeoutMs, statementTimeoutMs };
    await migrateDatabase(settings);
    const database: TestDatabase = { settings, url: postgres.url, drop: async () => {} };
    server = await startTestServer({ MANAGEMENT_PORT: "0" }, { sharedDatabase: database });
    users = [];
    for (let index = 0; index < 8; index++) users.push(await server.seedUser());
    for (const user of users) expect((await server.graphql(meAndSessions, {}, { token: user.accessToken })).errors).toBeUndefined();
  }, 30_000);

  afterAll(async () => {
    // A failed lock test may leave its lock held, which would keep the server's requests (and its close) waiting.
    await locker?.end().catch(() => undefined);
    await server?.close();
    await postgres?.dispose();
  });

  async function ask(user: SeededUser, document = meAndSessions): Promise<Answer> {
    const started = performance.now();
    const response = await server.graphql<Answer["response"]["data"] & object, object>(document, {}, { token: user.accessToken });
    return { user, response: response as Answer["response"], ms: performance.now() - started };
  }

  it("answers SERVICE_UNAVAILABLE within the timeout while PostgreSQL restarts, then recovers, never mixing users", async () => {
    const answers: Answer[] = [];
    let running = true;
    const load = users.map(async (user) => {
      while (running) answers.push(await ask(user));
    });
    try {
      await sleep(300);
      await postgres.stop();
      const outageStarted = answers.length;
      await sleep(1500);
      await postgres.start();
      const restarted = performance.now();
      const outage = answers.slice(outageStarted);
      // Each user has had a complete answer since the restart, without restarting our server.
      while (users.some((user) => !answers.slice(outageStarted + outage.length).some((answer) => answer.user === user && !answer.response.errors))) {
        expect(performance.now() - restarted).toBeLessThan(10_000);
        await sleep(50);
      }
      expect(outage.some((answer) => answer.response.errors?.some((error) => error.extensions?.code === unavailable.code))).toBe(true);
    } finally {
      running = false;
      await Promise.all(load);
    }

    for (const { user, response, ms } of answers) {
      expect(response.status).toBe(200);
      expect(ms).toBeLessThan(connectTimeoutMs + 1500);
      for (const error of response.errors ?? []) {
        expect(error).toMatchObject({ message: unavailable.message, extensions: { code: unavailable.code, correlationId: expect.any(String) } });
      }
      if (response.errors) expect(response.headers.get("retry-after")).toBe("2");
      if (response.data?.me) expect(response.data.me).toEqual({ id: user.userId, email: user.email });
      if (response.data?.sessions) expect(response.data.sessions.map((session) => session.id)).toEqual([user.sessionId]);
    }
    expect(server.logLines.some((line) => line.level === 40 && line.msg === "database unavailable while resolving")).toBe(true);
    expect(server.logLines.filter((line) => (line.level as number) >= 50)).toEqual([]);
  }, 30_000);

  it("times out statements on a locked table with SERVICE_UNAVAILABLE while cached requests stay fast", async () => {
    for (const user of users) expect((await ask(user, "{ me { id } }")).response.errors).toBeUndefined();
    locker = new pg.Client({ connectionString: postgres.url });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE users, sessions IN ACCESS EXCLUSIVE MODE");
      const slow = Promise.all(users.map((user) => ask(user, "{ sessions { id } }")));
      const registration = fetch(`${server.url}/user/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "during-lock@example.com", password: "correct horse battery staple", fullName: "Late Comer" }),
      });
      const cachedMs: number[] = [];
      const until = performance.now() + statementTimeoutMs;
      for (let index = 0; performance.now() < until; index++) {
        const answer = await ask(users[index % users.length]!, "{ me { id } }");
        expect(answer.response.data?.me).toEqual({ id: answer.user.userId });
        cachedMs.push(answer.ms);
      }
      for (const { response, ms } of await slow) {
        expect(response.errors).toMatchObject([{ message: unavailable.message, extensions: { code: unavailable.code } }]);
        // Four connections for eight requests: the last ones wait for a connection, then for their statement.
        expect(ms).toBeLessThan(connectTimeoutMs + statementTimeoutMs + 1000);
      }
      const refused = await registration;
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("2");
      expect(await refused.json()).toMatchObject({ errors: [{ code: unavailable.code, message: unavailable.message, retryAfterSeconds: 2 }] });
      cachedMs.sort((a, b) => a - b);
      const p99 = cachedMs[Math.floor(cachedMs.length * 0.99)]!;
      expect(cachedMs.length).toBeGreaterThan(20);
      expect(p99).toBeLessThan(100);
    } finally {
      await locker.end();
      locker = undefined;
    }
    expect((await ask(users[0]!)).response.errors).toBeUndefined();
  }, 30_000);

  it("lets the retention job wait past the statement timeout, which it has a longer one of its own for", async () => {
    locker = new pg.Client({ connectionString: postgres.url });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE login_attempts IN ACCESS EXCLUSIVE MODE");
      const run = runRetention({ prisma: server.deps.database.prisma, config: { retention: { defaultDays: 100 } } }).catch((error: unknown) => error);
      await sleep(statementTimeoutMs + 500);
      await locker.query("ROLLBACK");
      await expect(run).resolves.toMatchObject({ ran: true });
    } finally {
      await locker.end();
      locker = undefined;
    }
  }, 30_000);
});
