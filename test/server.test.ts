import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePbClaims } from "../src/platform/tokens/index.js";
import { TierFeaturesDocument } from "./generated/graphql.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe("health", () => {
  it("reports healthy with the database (and Redis, when configured) answering", async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { timestamp: string };
    expect(body).toMatchObject({
      service: "user-management",
      status: "healthy",
      version: expect.any(String),
      checks: { database: { status: "ok" }, cache: { status: process.env.REDIS_URL ? "ok" : "disabled" } },
    });
    expect(Date.parse(body.timestamp)).not.toBeNaN();
  });

  it("answers liveness and readiness", async () => {
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });
});

describe("correlation id", () => {
  it("echoes a well-formed x-correlation-id and replaces a malformed one", async () => {
    const given = await fetch(`${server.url}/health/live`, { headers: { "x-correlation-id": "abc-123" } });
    expect(given.headers.get("x-correlation-id")).toBe("abc-123");
    const malformed = await fetch(`${server.url}/health/live`, { headers: { "x-correlation-id": "bad id with spaces;drop" } });
    expect(malformed.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("JWKS", () => {
  it("publishes public keys another service can verify our access tokens with, and pb_claims decodes offline", async () => {
    const user = await server.seedUser();
    const response = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as JSONWebKeySet;
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const { payload, protectedHeader } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks), {
      issuer: server.deps.config.tokens.issuer,
      audience: server.deps.config.tokens.audience,
    });
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(payload.sub).toBe(user.userId);
    expect(payload.company).toBe(user.companyId);
    const claims = decodePbClaims(payload.pb_claims);
    expect(claims.userId).toBe(user.userId);
    expect(claims.sessionId).toBe(user.sessionId);
    expect(claims.permissions).toContain("company.manage");
  });
});

describe("/graphql", () => {
  it("answers a query with typed documents", async () => {
    const result = await server.graphql(TierFeaturesDocument, { tier: "FREE" });
    expect(result.status).toBe(200);
    expect(result.data?.tierFeatures).toEqual(["basic_trading_signals", "limited_backtesting", "basic_analytics", "email_notifications"]);
  });

  it("refuses a bad bearer token with 401 UNAUTHENTICATED, never echoing the token", async () => {
    const result = await server.graphql(TierFeaturesDocument, { tier: "FREE" }, { token: "not.a.jwt" });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(result.errors)).not.toContain("not.a.jwt");
    const basic = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Basic dXNlcjpwYXNz" },
      body: JSON.stringify({ query: "{ tierFeatures(tier: FREE) }" }),
    });
    expect(basic.status).toBe(401);
  });

  it("rejects an unknown enum value as a validation error", async () => {
    const result = await server.graphql("{ tierFeatures(tier: PLATINUM) }");
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses a body over the 2 MB limit with 413", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ tierFeatures(tier: FREE) } # ${"x".repeat(2 * 1024 * 1024)}` }),
    });
    expect(response.status).toBe(413);
  });
});
