import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginDocument, LogoutDocument, MeDocument, RefreshTokenDocument } from "./generated/graphql.js";
import { registerAccount, signIn } from "./support/accounts.js";
import { scrape, valueOf, type Sample } from "./support/metrics.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const metricsUrl = () => server.managementUrl!;

describe("the public port", () => {
  it("has no /metrics, and its /health answers the status without the management figures", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ service: "user-management", status: "healthy" });
    expect(health).not.toHaveProperty("figures");
    expect(health).not.toHaveProperty("degraded");
  });
});

describe("/metrics on the management port", () => {
  it("counts sign-ins, refreshes, token checks, user activity, GraphQL operations and REST routes", async () => {
    const account = await registerAccount(server);
    const wrong = await server.graphql(LoginDocument, { input: { email: account.email, password: "not the password at all" } });
    expect(wrong.data?.login.userErrors[0]?.code).toBe("INVALID_CREDENTIALS");
    const tokens = await signIn(server, account.email);
    const me = await server.graphql(MeDocument, {}, { token: tokens.accessToken });
    expect(me.data?.me?.id).toBe(account.user.id);
    const profile = await fetch(`${server.url}/user/profile`, { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: "application/json" } });
    expect(profile.status).toBe(200);
    const refreshed = await server.graphql(RefreshTokenDocument, { refreshToken: tokens.refreshToken });
    expect(refreshed.data?.refreshToken.tokens).toBeTruthy();
    const stale = await server.graphql(RefreshTokenDocument, { refreshToken: "no-such-refresh-token" });
    expect(stale.data?.refreshToken.userErrors[0]?.code).toBe("INVALID_REFRESH_TOKEN");
    expect((await server.graphql(MeDocument, {}, { token: "not.a.jwt" })).status).toBe(401);
    await server.graphql(LogoutDocument, {}, { token: account.tokens.accessToken });
    expect((await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).status).toBe(401);

    const samples = await scrape(metricsUrl());
    const value = (name: string, labels: Record<string, string> = {}) => valueOf(samples, name, labels);

    expect(value("auth_logins_total", { result: "success" })).toBe(1);
    expect(value("auth_logins_total", { result: "failure" })).toBe(1);
    expect(value("auth_logins_total", { result: "locked" })).toBe(0);
    expect(value("auth_refreshes_total", { result: "success" })).toBe(1);
    expect(value("auth_refreshes_total", { result: "failure" })).toBe(1);
    // me and the REST profile; the refresh and logout calls authenticate too (logout with the registration's token).
    expect(value("auth_token_checks_total", { result: "valid" })).toBeGreaterThanOrEqual(3);
    expect(value("auth_token_checks_total", { result: "malformed" })).toBe(1);
    expect(value("auth_token_checks_total", { result: "session_ended" })).toBe(1);
    expect(value("user_activity_total", { activity_type: "register", risk_level: "none" })).toBe(1);
    expect(value("user_activity_total", { activity_type: "login", risk_level: "low" })).toBe(1);
    expect(value("user_activity_total", { activity_type: "refresh", risk_level: "none" })).toBe(1);
    expect(value("user_activity_total", { activity_type: "logout", risk_level: "none" })).toBe(1);

    const login = { operation_name: "Login", operation_type: "mutation", outcome: "success" };
    expect(value("graphql_requests_total", login)).toBe(2);
    expect(value("graphql_request_duration_seconds_count", login)).toBe(2);
    expect(value("graphql_request_duration_seconds_sum", login)).toBeGreaterThan(0);
    expect(value("graphql_request_duration_seconds_bucket", { ...login, le: "+Inf" })).toBe(2);
    expect(value("graphql_requests_total", { operation_name: "Me", operation_type: "query", outcome: "success" })).toBe(1);

    expect(value("http_requests_total", { method: "GET", route: "/user/profile", status_class: "2xx" })).toBe(1);
    expect(value("http_request_duration_seconds_count", { method: "GET", route: "/user/profile", status_class: "2xx" })).toBe(1);
    expect(value("http_requests_total", { method: "POST", route: "/graphql", status_class: "4xx" })).toBe(2);
    expect(value("http_requests_total", { method: "GET", route: "unmatched", status_class: "4xx" })).toBeGreaterThanOrEqual(1);

    const lookups = (layer: string) => (value("cache_lookups_total", { layer, result: "hit" }) ?? 0) + (value("cache_lookups_total", { layer, result: "miss" }) ?? 0);
    expect(lookups("lru")).toBeGreaterThan(0);
    // With Redis, what the LRU does not hold is looked up there.
    expect(lookups("redis") > 0).toBe(Boolean(process.env.REDIS_URL));
    expect(value("db_pool_connections", { state: "idle" })).toBeGreaterThanOrEqual(0);
    expect(value("db_pool_waiting_queries")).toBe(0);
    // Register, logins and logout wrote sessions and audit events.
    expect(value("db_statements_total")).toBeGreaterThan(5);
    expect(value("outbox_unpublished_events")).toBeGreaterThanOrEqual(0);
    expect(value("nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value("process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });

  it("shows what each in-process cache holds against its bound, and a new user's request adds to it", async () => {
    const caches = ["tokens", "context", "sessions", "not_before", "memberships", "plans"];
    const footprints = (samples: Sample[]) =>
      Object.fromEntries(
        caches.map((cache) => [
          cache,
          {
            entries: valueOf(samples, "cache_entries", { cache }),
            bytes: valueOf(samples, "cache_estimated_bytes", { cache }),
            maxBytes: valueOf(samples, "cache_max_bytes", { cache }),
          },
        ]),
      );
    const before = footprints(await scrape(metricsUrl()));
    const account = await registerAccount(server);
    expect((await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).data?.me?.id).toBe(account.user.id);
    const after = footprints(await scrape(metricsUrl()));

    for (const cache of caches) {
      expect(after[cache]!.maxBytes, cache).toBeGreaterThan(0);
      expect(after[cache]!.bytes, cache).toBeLessThanOrEqual(after[cache]!.maxBytes!);
    }
    // The request's token was verified once and remembered, its session and membership read once and kept, its user cached.
    for (const cache of ["tokens", "sessions", "memberships", "plans", "context"]) {
      expect(after[cache]!.entries, cache).toBeGreaterThan(before[cache]!.entries!);
      expect(after[cache]!.bytes, cache).toBeGreaterThan(before[cache]!.bytes!);
    }
  });

  it("counts parse and validation failures under their own outcomes", async () => {
    await server.graphql("query Broken { __typename");
    expect((await server.graphql("")).status).toBe(400);
    expect((await server.graphql("query Unknown { noSuchField }")).status).toBe(400);
    const samples = await scrape(metricsUrl());
    expect(valueOf(samples, "graphql_requests_total", { operation_name: "anonymous", operation_type: "unknown", outcome: "parse_error" })).toBe(2);
    expect(valueOf(samples, "graphql_requests_total", { operation_name: "anonymous", operation_type: "unknown", outcome: "validation_error" })).toBe(1);
  });

  it("keeps operation names bounded: a 10,000-character name and 5,000 distinct names are answered, the label values stay few", async () => {
    const longName = `Q${"x".repeat(9_999)}`;
    const long = await server.graphql<{ __typename: string }, never>(`query ${longName} { __typename }`);
    expect(long.status).toBe(200);
    expect(long.data?.__typename).toBe("Query");

    const names = Array.from({ length: 5_000 }, (_, index) => `Operation${index}`);
    const answered = await inBatches(names, 25, async (name) => {
      const result = await server.graphql<{ __typename: string }, never>(`query ${name} { __typename }`);
      return result.status === 200 && result.data?.__typename === "Query";
    });
    expect(answered.every(Boolean)).toBe(true);

    const samples = await scrape(metricsUrl());
    const labelValues = distinctLabels(samples, "graphql_requests_total", "operation_name");
    const bound = server.deps.config.metrics.maxOperationNames;
    expect(bound).toBe(200);
    expect(labelValues.size).toBeLessThanOrEqual(bound + 2);
    expect(labelValues.has("other")).toBe(true);
    expect([...labelValues].every((value) => value.length <= 64)).toBe(true);
    const otherRequests = valueOf(samples, "graphql_requests_total", { operation_name: "other", operation_type: "query", outcome: "success" });
    expect(otherRequests).toBeGreaterThanOrEqual(5_000 - bound);
  }, 120_000);
});

function distinctLabels(samples: Sample[], name: string, label: string): Set<string> {
  return new Set(samples.filter((sample) => sample.name === name).map((sample) => sample.labels[label]!));
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  }
  return results;
}
