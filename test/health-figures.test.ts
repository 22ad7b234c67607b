import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DetailedHealthReport } from "../src/health-figures.js";
import { LoginDocument, MeDocument } from "./generated/graphql.js";
import { registerAccount, signIn } from "./support/accounts.js";
import { enqueueSubscriptionChange } from "./support/outbox.js";
import { startTestServer, type TestServer } from "./support/server.js";

async function detailedHealth(server: TestServer): Promise<{ status: number; body: DetailedHealthReport }> {
  const response = await fetch(`${server.managementUrl}/health`);
  return { status: response.status, body: (await response.json()) as DetailedHealthReport };
}

describe("the management port's /health", () => {
  let server: TestServer;
  let figureComputations = 0;

  beforeAll(async () => {
    // One active session is already "excessive", so the second sign-in records a security event.
    server = await startTestServer({ LOGIN_RISK_MAX_SESSIONS: "1" });
    server.deps.database.onQuery((sql) => {
      if (sql.includes("security_incidents")) figureComputations += 1;
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("reports figures from the database and this process, computed once for 50 concurrent calls", async () => {
    const first = await registerAccount(server);
    const second = await registerAccount(server);
    const failed = await server.graphql(LoginDocument, { input: { email: first.email, password: "not the password at all" } });
    expect(failed.data?.login.userErrors[0]?.code).toBe("INVALID_CREDENTIALS");
    await signIn(server, first.email);
    const tokens = await signIn(server, first.email);
    await server.graphql(MeDocument, {}, { token: tokens.accessToken });
    await server.graphql(MeDocument, {}, { token: second.tokens.accessToken });
    expect((await server.graphql(MeDocument, {}, { token: "not.a.jwt" })).status).toBe(401);
    await server.deps.database.prisma.subscription.updateMany({ where: { company: { memberships: { some: { userId: second.user.id } } } }, data: { tier: "PRO" } });

    const answers = await Promise.all(Array.from({ length: 50 }, () => detailedHealth(server)));
    expect(figureComputations).toBe(1);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body.figures))).size).toBe(1);

    const { status, body } = answers[0]!;
    expect(status).toBe(200);
    expect(body).toMatchObject({ service: "user-management", status: "healthy", degraded: [], checks: { database: { status: "ok" } } });
    const { figures } = body;
    expect(figures).toMatchObject({
      new_registrations_24h: 2,
      active_users_24h: 2,
      active_companies: 2,
      subscription_conversion_rate: 0.5,
      mfa_adoption_rate: 0,
      // One wrong password among three sign-in attempts.
      failed_login_rate: 0.3333,
      security_incidents_24h: 1,
      jwt_validation_success_rate: 0.6667,
      outbox_backlog: expect.any(Number),
      database_connection_pool: { total: expect.any(Number), idle: expect.any(Number), waiting: 0 },
    });
    expect(figures.avg_auth_time_ms).toBeGreaterThan(0);
    expect(figures.token_cache_size).toBeGreaterThanOrEqual(2);
    expect(figures.context_cache_hit_rate).toBeGreaterThanOrEqual(0);
    expect(figures.context_cache_hit_rate).toBeLessThanOrEqual(1);
    expect(figures.database_connection_pool.total).toBeGreaterThanOrEqual(1);
  });

  it("computes nothing again within HEALTH_FIGURES_TTL_SECONDS", async () => {
    const before = figureComputations;
    await detailedHealth(server);
    expect(figureComputations).toBe(before);
  });
});

describe("a degraded management /health", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ HEALTH_FIGURES_TTL_SECONDS: "0", OUTBOX_BACKLOG_WARNING_ROWS: "1" });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("names an outbox backlog over its threshold and answers 503", async () => {
    expect((await detailedHealth(server)).body.degraded).toEqual([]);
    await enqueueSubscriptionChange(server.deps.database.prisma, null, 1);
    const { status, body } = await detailedHealth(server);
    expect(status).toBe(503);
    expect(body.status).toBe("degraded");
    expect(body.degraded).toEqual(["outbox"]);
    expect(body.figures.outbox_backlog).toBe(1);
  });

  it("names the database when it does not answer, and leaves its figures null", async () => {
    await server.deps.database.close();
    const { status, body } = await detailedHealth(server);
    expect(status).toBe(503);
    expect(body.degraded).toContain("database");
    expect(body.figures.new_registrations_24h).toBeNull();
    expect(body.figures.failed_login_rate).toBeNull();
    expect((await fetch(`${server.url}/health`)).status).toBe(503);
  });
});
