import { Agent, request } from "node:http";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../src/platform/tokens/index.js";
import { LoginDocument } from "./generated/graphql.js";
import { registerAccount, strongPassword } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { startLoadBalancer, type LoadBalancer } from "./support/load-balancer.js";
import { replicasCanRun } from "./support/replicas.js";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";

const workers = 16;
const loadMs = 6_000;
const signalAfterMs = 2_000;
const drainDelayMs = 2_000;
const meQuery = JSON.stringify({ query: "{ me { id email } }" });

interface Answer {
  status: number;
  body: string;
  answeredAt: number;
}

function post(url: string, body: string, options: { agent: Agent | false; token?: string; onSent?: () => void }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const req = request(`${url}/graphql`, { method: "POST", agent: options.agent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, answeredAt: Date.now() }));
    });
    req.on("error", reject);
    if (options.onSent) req.on("finish", options.onSent);
    req.end(body);
  });
}

/** `workers` loops of `{ me { id email } }` through the balancer for `loadMs`, on one keep-alive agent. */
async function runLoad(url: string, token: string, expected: { id: string; email: string }) {
  const agent = new Agent({ keepAlive: true });
  const deadline = Date.now() + loadMs;
  const answeredAt: number[] = [];
  const failures: string[] = [];
  const worker = async () => {
    while (Date.now() < deadline) {
      try {
        const answer = await post(url, meQuery, { agent, token });
        const me = answer.status === 200 ? (JSON.parse(answer.body) as { data?: { me?: unknown } }).data?.me : undefined;
        if (JSON.stringify(me) === JSON.stringify(expected)) answeredAt.push(answer.answeredAt);
        else failures.push(`${answer.status} ${answer.body.slice(0, 200)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  agent.destroy();
  return { answeredAt, failures };
}

function loggedAt(replica: ServerProcess, message: string): number | undefined {
  const line = replica
    .output()
    .split("\n")
    .filter((text) => text.startsWith("{"))
    .map((text) => JSON.parse(text) as { msg?: string; time?: string })
    .find((entry) => entry.msg?.startsWith(message));
  return line?.time ? Date.parse(line.time) : undefined;
}

describe.runIf(replicasCanRun)("a rolling restart of one of two replicas under load", () => {
  let database: TestDatabase;
  let replicaA: ServerProcess;
  let replicaB: ServerProcess;
  let balancer: LoadBalancer;

  beforeAll(async () => {
    database = await createTestDatabase();
    const key = await generateSigningKey(Math.floor(Date.now() / 1000));
    const environment = {
      // As deployed: under NODE_ENV=test Apollo Server would not install its own signal handlers.
      NODE_ENV: "development",
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL,
      REDIS_NAMESPACE: `um-restart-${Date.now()}`,
      JWT_SIGNING_KEYS: JSON.stringify([{ kid: key.kid, ...key.jwk }]),
      SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs),
      LOG_LEVEL: "info",
    };
    [replicaA, replicaB] = await Promise.all([startServerProcess(environment), startServerProcess(environment)]);
    balancer = await startLoadBalancer([replicaA.url, replicaB.url]);
  }, 180_000);

  afterAll(async () => {
    await balancer?.close();
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await database?.drop();
  });

  it("loses no request: readiness fails first, requests in flight finish, the other replica serves the rest", async () => {
    const account = await registerAccount(replicaB);
    const expected = { id: account.user.id, email: account.email };
    expect(balancer.backends.map((backend) => backend.ready)).toEqual([true, true]);
    // Warmed up, so the load measures a steady state rather than the first compilations.
    for (const replica of [replicaA, replicaB]) {
      for (let round = 0; round < 30; round++) await post(replica.url, meQuery, { agent: false, token: account.tokens.accessToken });
    }

    let signalledAt = 0;
    const loginBody = JSON.stringify({ query: print(LoginDocument), variables: { input: { email: account.email, password: strongPassword } } });
    const slowLogin = new Promise<Answer>((resolve, reject) => {
      setTimeout(() => {
        post(replicaA.url, loginBody, {
          agent: false,
          onSent: () => {
            replicaA.kill("SIGTERM");
            signalledAt = Date.now();
          },
        }).then(resolve, reject);
      }, signalAfterMs);
    });
    const load = await runLoad(balancer.url, account.tokens.accessToken, expected);
    const login = await slowLogin;
    const exitCode = await replicaA.exited;

    expect(load.failures).toEqual([]);

    // The sign-in was sent to A before SIGTERM and answered after it.
    expect(login.status).toBe(200);
    expect(JSON.parse(login.body).data.login.tokens.accessToken).toEqual(expect.any(String));
    expect(login.answeredAt).toBeGreaterThan(signalledAt);

    const a = balancer.backends[0]!;
    const b = balancer.backends[1]!;
    const listenerClosedAt = loggedAt(replicaA, "drain over");
    expect(a.connections.filter((connection) => connection.openedAt < signalledAt).length).toBeGreaterThan(0);
    expect(a.firstUnreadyAt).toBeGreaterThan(signalledAt);
    expect(a.firstUnreadyAt).toBeLessThan(listenerClosedAt!);
    expect(listenerClosedAt).toBeLessThan(a.firstRefusedAt!);
    // A kept answering its open connections after SIGTERM, and had closed every one of them (Connection: close) before its listener closed.
    expect(a.lastDataAt).toBeGreaterThan(signalledAt);
    expect(a.connections.filter((connection) => !connection.closedAt || connection.closedAt > listenerClosedAt!)).toEqual([]);

    // Steady load through every phase: both replicas, A draining, B alone.
    const phases = {
      total: load.answeredAt.length,
      beforeSignal: load.answeredAt.filter((at) => at < signalledAt).length,
      duringDrain: load.answeredAt.filter((at) => at >= signalledAt && at < listenerClosedAt!).length,
      afterLastResponseOfA: load.answeredAt.filter((at) => at > a.lastDataAt!).length,
    };
    expect(Math.min(phases.beforeSignal, phases.duringDrain, phases.afterLastResponseOfA), JSON.stringify(phases)).toBeGreaterThan(50);
    expect(b.lastDataAt).toBeGreaterThan(a.firstRefusedAt!);
    expect(balancer.turnedAway).toBe(0);
    expect(exitCode).toBe(0);
    expect(replicaA.output()).toContain('"msg":"stopped"');
  }, 60_000);
});
