import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeDocument } from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { startServerProcess } from "./support/server-process.js";
import { startTestServer } from "./support/server.js";

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP collector on loopback: what the exporter POSTs to /v1/traces (JSON), flattened to spans. */
async function startCollector(): Promise<{ endpoint: string; spans: ExportedSpan[]; serviceNames: Set<string>; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const serviceNames = new Set<string>();
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/v1/traces" && request.headers["content-type"] === "application/json") {
        const exported = JSON.parse(body) as {
          resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: (Omit<ExportedSpan, "attributes"> & { attributes: OtlpAttribute[] })[] }[] }[];
        };
        for (const resource of exported.resourceSpans) {
          serviceNames.add(String(attributesOf(resource.resource.attributes)["service.name"]));
          for (const scope of resource.scopeSpans) for (const span of scope.spans) spans.push({ ...span, attributes: attributesOf(span.attributes) });
        }
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { endpoint: `http://127.0.0.1:${port}`, spans, serviceNames, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean };
}

function attributesOf(attributes: OtlpAttribute[]): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue)]));
}

let database: TestDatabase;
// The servers share one database, so they share the key its signing keys are sealed with.
const secretEncryptionKey = randomBytes(32).toString("base64");

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const processEnvironment = (endpoint: string) => ({
  DATABASE_URL: database.url,
  REDIS_URL: process.env.REDIS_URL,
  REDIS_NAMESPACE: `um-telemetry-${randomBytes(4).toString("hex")}`,
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  SECRET_ENCRYPTION_KEY: secretEncryptionKey,
  OTEL_SERVICE_NAME: "user-management-under-test",
});

describe("OpenTelemetry over OTLP/HTTP", () => {
  it("exports one trace per request: the request span with its correlation id, the operation, the resolver, database and cache spans", async () => {
    const collector = await startCollector();
    // A long batch delay: what arrives was flushed by the shutdown.
    const server = await startServerProcess({
      ...processEnvironment(collector.endpoint),
      OTEL_BSP_SCHEDULE_DELAY: "60000",
      SUBSCRIPTION_ROLLOVER_INTERVAL_SECONDS: "1",
      OUTBOX_PUBLISH_INTERVAL_MS: "100",
    });
    const callerTraceId = randomBytes(16).toString("hex");
    const callerSpanId = randomBytes(8).toString("hex");
    try {
      const account = await registerAccount(server);
      const me = await server.graphql(MeDocument, {}, {
        token: account.tokens.accessToken,
        headers: { "x-correlation-id": "test-corr-123", traceparent: `00-${callerTraceId}-${callerSpanId}-01` },
      });
      expect(me.data?.me?.email).toBe(account.email);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    } finally {
      await server.stop();
      await collector.close();
    }

    expect(collector.serviceNames).toEqual(new Set(["user-management-under-test"]));
    const requestSpan = collector.spans.find((span) => span.attributes["correlation.id"] === "test-corr-123");
    expect(requestSpan).toMatchObject({
      name: "POST /graphql",
      traceId: callerTraceId,
      parentSpanId: callerSpanId,
      attributes: { "http.request.method": "POST", "http.route": "/graphql", "http.response.status_code": 200 },
    });
    const inTrace = collector.spans.filter((span) => span.traceId === callerTraceId);
    const byId = new Map(inTrace.map((span) => [span.spanId, span]));
    const descendsFromRequest = (span: ExportedSpan): boolean => {
      for (let parent = byId.get(span.parentSpanId ?? ""); parent; parent = byId.get(parent.parentSpanId ?? "")) {
        if (parent === requestSpan) return true;
      }
      return false;
    };
    const operation = inTrace.find((span) => span.name === "query Me");
    expect(operation).toMatchObject({ parentSpanId: requestSpan!.spanId, attributes: { "graphql.operation.type": "query", "graphql.operation.name": "Me" } });
    const resolver = inTrace.find((span) => span.name === "resolve Query.me");
    expect(resolver).toMatchObject({ parentSpanId: operation!.spanId, attributes: { "graphql.field.path": "me", "graphql.parent.type": "Query" } });
    const database = inTrace.filter((span) => span.attributes["db.system.name"] === "postgresql");
    expect(database.length).toBeGreaterThan(0);
    expect(database.some((span) => span.attributes["db.collection.name"] === "User" || span.attributes["db.collection.name"] === "Session")).toBe(true);
    const cache = inTrace.filter((span) => span.name.startsWith("cache "));
    expect(cache.length).toBeGreaterThan(0);
    for (const span of [operation!, resolver!, ...database, ...cache]) expect(descendsFromRequest(span)).toBe(true);
    // Fields read off their parent object get no span of their own.
    expect(inTrace.some((span) => span.name === "resolve User.email")).toBe(false);

    const job = collector.spans.find((span) => span.name === "job subscription-rollover");
    expect(String(job?.attributes["correlation.id"])).toMatch(/^subscription-rollover-/);
    expect(collector.spans.some((span) => span.parentSpanId === job!.spanId && span.attributes["db.collection.name"] === "Subscription")).toBe(true);
    // The outbox publisher polls every 100 ms outside any request or job: none of its queries is a span.
    expect(collector.spans.filter((span) => span.name.startsWith("prisma ") && !span.parentSpanId)).toEqual([]);
  }, 120_000);

  it("exports nothing with OTEL_SDK_DISABLED=true, even with an endpoint set", async () => {
    const collector = await startCollector();
    const server = await startServerProcess({ ...processEnvironment(collector.endpoint), OTEL_SDK_DISABLED: "true", OTEL_BSP_SCHEDULE_DELAY: "50" });
    try {
      const account = await registerAccount(server);
      expect((await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).data?.me?.id).toBe(account.user.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await server.stop();
      await collector.close();
    }
    expect(collector.spans).toEqual([]);
  }, 120_000);

  it("without OTEL_* creates no span at all (no resolver is wrapped), even with an SDK listening in the process", async () => {
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    const server = await startTestServer({ SECRET_ENCRYPTION_KEY: secretEncryptionKey }, { sharedDatabase: database });
    try {
      const account = await registerAccount(server);
      expect((await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).data?.me?.id).toBe(account.user.id);
      expect(await fetch(`${server.url}/health`).then((response) => response.status)).toBe(200);
    } finally {
      await server.close();
      trace.disable();
      context.disable();
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
