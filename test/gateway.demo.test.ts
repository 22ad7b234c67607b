import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { GraphQLFormattedError } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeOrderOperation, registerOperation, type GraphQLRequest } from "../examples/gateway/demo-operations.js";
import { requireFreePort } from "../examples/gateway/http.js";
import { startDemo, type Demo } from "../examples/gateway/start-demo.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "./support/database.js";
import { freePort } from "./support/server-process.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer<TData> {
  data?: TData | null;
  errors?: GraphQLFormattedError[];
  correlationId: string | null;
}

async function viaGateway<TData>(url: string, request: GraphQLRequest, headers: Record<string, string> = {}): Promise<Answer<TData>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(request) });
  const body = (await response.json()) as { data?: TData; errors?: GraphQLFormattedError[] };
  return { ...body, correlationId: response.headers.get("x-correlation-id") };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

type Registered = { register: { user: { id: string } | null; tokens: { accessToken: string } | null } };
type Placed = { placeOrder: { id: string; symbol: string; correlationId: string | null } };

describe("startDemo: our subgraph, the orders subgraph and the gateway in one process", () => {
  let database: TestDatabase | undefined;
  let dataDir: string;
  let demo: Demo | undefined;
  let environment: Record<string, string | undefined>;

  beforeAll(async () => {
    database = serverUrl ? await createTestDatabase() : undefined;
    dataDir = await mkdtemp(path.join(os.tmpdir(), "um-demo-"));
    environment = {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url,
      REDIS_URL: process.env.REDIS_URL,
      REDIS_NAMESPACE: `um-test-${randomUUID()}`,
    };
    demo = await startDemo({ environment, ports: { gateway: 0, subgraph: 0, orders: 0 } });
  });

  afterAll(async () => {
    await demo?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("registers through the gateway, places an order as that user, and answers one query spanning both subgraphs", async () => {
    const gateway = demo!.gatewayUrl;
    const registerCorrelationId = `demo-register-${randomUUID()}`;
    const registered = await viaGateway<Registered>(gateway, registerOperation(`demo-${randomUUID()}@example.com`), { "x-correlation-id": registerCorrelationId });
    expect(registered.errors).toBeUndefined();
    expect(registered.correlationId).toBe(registerCorrelationId);
    const userId = registered.data!.register.user!.id;
    const token = registered.data!.register.tokens!.accessToken;

    const placed = await viaGateway<Placed>(gateway, placeOrderOperation, bearer(token));
    expect(placed.errors).toBeUndefined();
    // No id from the client: the gateway made one, returned it, and forwarded it to the orders subgraph.
    expect(placed.correlationId).toMatch(uuidPattern);
    expect(placed.data!.placeOrder).toMatchObject({ symbol: "ACME", correlationId: placed.correlationId });

    const spanning = await viaGateway<{ me: { id: string; activeCompany: { id: string; orders: { id: string }[] }; orders: { id: string; placedBy: { id: string } }[] } }>(
      gateway,
      { query: "{ me { id activeCompany { id orders { id } } orders { id placedBy { id } } } }" },
      bearer(token),
    );
    expect(spanning.errors).toBeUndefined();
    const orderId = placed.data!.placeOrder.id;
    expect(spanning.data!.me).toEqual({
      id: userId,
      activeCompany: { id: spanning.data!.me.activeCompany.id, orders: [{ id: orderId }] },
      orders: [{ id: orderId, placedBy: { id: userId } }],
    });

    // Our subgraph recorded the registration under the correlation id the client sent to the gateway.
    const audit = await viaGateway<{ auditLog: { action: string; correlationId: string | null }[] }>(
      gateway,
      { query: "query ($companyId: ID!) { auditLog(companyId: $companyId) { action correlationId } }", variables: { companyId: spanning.data!.me.activeCompany.id } },
      bearer(token),
    );
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.auditLog).toContainEqual({ action: "user.registered", correlationId: registerCorrelationId });
  });

  it("places no order without a valid access token, and shows a user's orders to that user only", async () => {
    const gateway = demo!.gatewayUrl;
    const anonymous = await viaGateway<Placed>(gateway, placeOrderOperation);
    expect(anonymous.errors?.map((error) => [error.extensions?.code, error.extensions?.serviceName])).toEqual([["UNAUTHENTICATED", "orders"]]);
    const forged = await viaGateway<Placed>(gateway, placeOrderOperation, bearer("eyJhbGciOiJFZERTQSJ9.e30.c2lnbmF0dXJl"));
    expect(forged.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(demo!.orders.orders).toHaveLength(1);

    const ann = await viaGateway<Registered>(gateway, registerOperation(`ann-${randomUUID()}@example.com`));
    const bob = await viaGateway<Registered>(gateway, registerOperation(`bob-${randomUUID()}@example.com`));
    await viaGateway<Placed>(gateway, placeOrderOperation, bearer(ann.data!.register.tokens!.accessToken));
    const annOrders = { query: `{ _entities(representations: [{ __typename: "User", id: "${ann.data!.register.user!.id}" }]) { ... on User { orders { id } } } }` };
    const asAnn = await viaGateway<{ _entities: { orders: unknown[] | null }[] }>(demo!.ordersUrl, annOrders, bearer(ann.data!.register.tokens!.accessToken));
    expect(asAnn.data?._entities[0]?.orders).toHaveLength(1);
    const asBob = await viaGateway<{ _entities: { orders: unknown[] | null }[] }>(demo!.ordersUrl, annOrders, bearer(bob.data!.register.tokens!.accessToken));
    expect(asBob.data?._entities[0]?.orders).toBeNull();
    expect(asBob.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);
  });

  it("stops with a message naming the port and its variable when a port is taken", async () => {
    const taken = await listenAnywhere();
    try {
      const port = (taken.address() as { port: number }).port;
      await expect(startDemo({ environment, ports: { gateway: port, subgraph: 0, orders: 0 } })).rejects.toThrow(
        `Port ${port} is already in use: stop what listens there or set DEMO_GATEWAY_PORT to another port.`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

function listenAnywhere(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** The `demo` script of package.json, spawned as npm would (npm itself turns Ctrl-C into its own SIGINT exit). */
async function spawnDemoScript(env: Record<string, string | undefined>) {
  const manifest = JSON.parse(await readFile(path.join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const [bin, ...args] = manifest.scripts.demo!.split(" ");
  return spawn(path.join(projectRoot, "node_modules", ".bin", bin!), args, { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
}

it("the demo script (npm run demo's command line) prints the gateway URL and a shell flow that works, and stops all three on SIGINT with exit 0", { timeout: 180_000 }, async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-demo-process-"));
  const ports = { gateway: await freePort(), subgraph: await freePort(), orders: await freePort() };
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(ports.subgraph),
    DEMO_ORDERS_PORT: String(ports.orders),
    DEMO_GATEWAY_PORT: String(ports.gateway),
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = await spawnDemoScript(env);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    for (let waited = 0; !output.includes("Ctrl-C stops all three."); waited += 100) {
      if (child.exitCode !== null || waited > 120_000) throw new Error(`the demo did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output).toContain(`gateway          http://127.0.0.1:${ports.gateway}/graphql`);
    expect(output).toContain(`user-management  http://127.0.0.1:${ports.subgraph}/graphql`);

    const lines = output.split("\n");
    const first = lines.findIndex((line) => line.startsWith("TOKEN=$(curl"));
    const script = lines.slice(first, first + 3).join("\n");
    const { stdout } = await promisify(execFile)("sh", ["-c", script], { timeout: 60_000 });
    const [placedLine, headerAndBody] = [stdout.split("\n")[0]!, stdout.slice(stdout.indexOf("\n") + 1)];
    const placed = JSON.parse(placedLine) as { data: Placed };
    expect(placed.data.placeOrder.symbol).toBe("ACME");
    expect(headerAndBody).toMatch(/^x-correlation-id: demo-query-1\r?$/m);
    const spanning = JSON.parse(headerAndBody.slice(headerAndBody.indexOf("{"))) as { data: { me: { fullName: string; orders: { id: string }[] } } };
    expect(spanning.data.me).toMatchObject({ fullName: "Demo Trader", orders: [{ id: placed.data.placeOrder.id }] });

    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(output).toContain("stopped");
    for (const [name, port] of Object.entries(ports)) await requireFreePort({ host: "127.0.0.1", port, portVariable: name });
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  }
});
