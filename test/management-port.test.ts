import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, serverUrl, type TestDatabase } from "./support/database.js";
import { parseExposition, valueOf } from "./support/metrics.js";
import { freePort, startServerProcess, type ServerProcess } from "./support/server-process.js";

// src/main.ts itself: it starts the management server beside the public one, or not at all with MANAGEMENT_PORT=0.
describe("the management port of a server process", () => {
  const databases: TestDatabase[] = [];
  let managementPort: number;
  let withManagement: ServerProcess;
  let withoutManagement: ServerProcess;

  async function environment(extra: Record<string, string>): Promise<Record<string, string | undefined>> {
    const database = serverUrl ? await createTestDatabase() : undefined;
    if (database) databases.push(database);
    return { DATABASE_URL: database?.url, REDIS_NAMESPACE: `um-management-${randomUUID()}`, ...extra };
  }

  beforeAll(async () => {
    managementPort = await freePort();
    [withManagement, withoutManagement] = await Promise.all([
      environment({ MANAGEMENT_PORT: String(managementPort), MANAGEMENT_HOST: "127.0.0.1" }).then(startServerProcess),
      environment({ MANAGEMENT_PORT: "0" }).then(startServerProcess),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([withManagement?.stop(), withoutManagement?.stop()]);
    await Promise.all(databases.map((database) => database.drop()));
  });

  it("serves /metrics and the detailed /health on MANAGEMENT_PORT, and neither on the public port", async () => {
    await withManagement.graphql("query Probe { __typename }");
    const metrics = await fetch(`http://127.0.0.1:${managementPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const samples = parseExposition(await metrics.text());
    expect(valueOf(samples, "graphql_requests_total", { operation_name: "Probe", outcome: "success" })).toBe(1);
    const health = (await (await fetch(`http://127.0.0.1:${managementPort}/health`)).json()) as Record<string, unknown>;
    expect(health).toHaveProperty("figures");

    expect((await fetch(`${withManagement.url}/metrics`)).status).toBe(404);
    expect(await (await fetch(`${withManagement.url}/health`)).json()).not.toHaveProperty("figures");
  });

  it("with MANAGEMENT_PORT=0 listens on the public port alone", async () => {
    const listening = (server: ServerProcess) => server.output().split("\n").filter((line) => line.includes("Server listening at"));
    expect(listening(withManagement)).toHaveLength(2);
    expect(listening(withoutManagement)).toHaveLength(1);
    expect(listening(withoutManagement)[0]).toContain(withoutManagement.url);
  });
});
