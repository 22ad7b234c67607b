import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/database.js";

let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "um-shutdown-"));
});

afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function startProcess(port: number, environment: Record<string, string>): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), MANAGEMENT_PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info", ...environment };
  if (database.url) env.DATABASE_URL = database.url;
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  for (let attempt = 0; attempt < 300; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok, () => false);
    if (ready) return { child, output: () => output, exited };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not start:\n${output}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tierQuery = JSON.stringify({ query: "{ tierFeatures(tier: PRO) }" });

/** A POST /graphql whose body is sent in two parts: the request stays in flight until `finish` is called. */
function requestInFlight(port: number) {
  let finish!: () => void;
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(tierQuery) } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.write(tierQuery.slice(0, 10));
    finish = () => req.end(tierQuery.slice(10));
  });
  return { answered, finish };
}

function keepAliveQuery(port: number, agent: Agent): Promise<{ status: number; connection: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(tierQuery) } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      },
    );
    req.on("error", reject);
    req.end(tierQuery);
  });
}

describe("graceful shutdown", () => {
  it("on SIGTERM answers readiness 503 while still serving, then refuses new connections, finishes the request in flight and exits 0", async () => {
    const drainDelayMs = 1500;
    const port = await freePort();
    const { child, output, exited } = await startProcess(port, { SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs) });
    const agent = new Agent({ keepAlive: true });
    expect((await keepAliveQuery(port, agent)).connection).toBe("keep-alive");
    const inFlight = requestInFlight(port);
    await sleep(100);
    child.kill("SIGTERM");
    const signalledAt = Date.now();
    await sleep(200);

    const readiness = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: "draining" });
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    const duringDrain = await keepAliveQuery(port, agent);
    expect(duringDrain.status).toBe(200);
    expect(duringDrain.text).toContain("ml_model_access");
    expect(duringDrain.connection).toBe("close");

    await sleep(Math.max(0, signalledAt + drainDelayMs + 300 - Date.now()));
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    inFlight.finish();
    const answered = await inFlight.answered;
    expect(answered.status).toBe(200);
    expect(answered.text).toContain("ml_model_access");
    expect(await exited).toBe(0);
    expect(output()).toContain("stopped");
    agent.destroy();
  }, 60_000);

  it("a second signal during the drain delay ends it at once", async () => {
    const port = await freePort();
    const { child, exited } = await startProcess(port, { SHUTDOWN_DRAIN_DELAY_MS: "60000" });
    child.kill("SIGTERM");
    await sleep(300);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(503);
    const secondSignalAt = Date.now();
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(Date.now() - secondSignalAt).toBeLessThan(10_000);
  }, 60_000);
});
