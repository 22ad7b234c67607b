import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Environment } from "../src/config.js";
import { graphqlPlayground } from "../src/playground/playground.routes.js";
import type { PlaygroundManifest } from "../src/playground/playground-page.js";
import { generateSigningKey } from "../src/platform/tokens/index.js";
import { builtPlaygroundManifest } from "./support/playground.js";
import { startTestServer, type TestServer } from "./support/server.js";

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async function productionEnvironment(): Promise<Partial<Environment>> {
  const key = await generateSigningKey(Math.floor(Date.now() / 1000));
  return {
    NODE_ENV: "production",
    JWT_SIGNING_KEYS: JSON.stringify([{ kid: key.kid, ...key.jwk }]),
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // Production refuses the development payment provider; nothing here charges.
    PAYMENT_PROVIDER: "http",
    PAYMENT_API_URL: "https://payments.invalid",
    PAYMENT_API_KEY: "sk_test_unused",
  };
}

let manifest: PlaygroundManifest;
let production: TestServer;
let productionWithPlayground: TestServer;

beforeAll(async () => {
  manifest = await builtPlaygroundManifest();
  production = await startTestServer(await productionEnvironment());
  productionWithPlayground = await startTestServer({ ...(await productionEnvironment()), GRAPHQL_PLAYGROUND: "true" });
});

afterAll(async () => {
  await production?.close();
  await productionWithPlayground?.close();
});

describe("GRAPHQL_PLAYGROUND", () => {
  it("is on outside production and off in production unless set", async () => {
    expect(loadConfig({}).graphql.playground).toBe(true);
    expect(loadConfig({ GRAPHQL_PLAYGROUND: "false" }).graphql.playground).toBe(false);
    expect(production.deps.config.graphql.playground).toBe(false);
    expect(productionWithPlayground.deps.config.graphql.playground).toBe(true);
  });
});

describe("GET /graphql from a browser in production without the setting", () => {
  it("answers 404 with a JSON error, and serves no playground files", async () => {
    const response = await fetch(`${production.url}/graphql`, { headers: { accept: browserAccept } });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ errors: [{ code: "NOT_FOUND", message: expect.stringContaining("GRAPHQL_PLAYGROUND") }] });
    expect((await fetch(`${production.url}/graphql/playground/${manifest.script}`)).status).toBe(404);
  });

  it("still runs GET queries, behind Apollo's CSRF prevention", async () => {
    const url = `${production.url}/graphql?query=${encodeURIComponent("{ __typename }")}`;
    const preflighted = await fetch(url, { headers: { "apollo-require-preflight": "true" } });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { __typename: "Query" } });
    const simpleRequest = await fetch(url, { headers: { accept: browserAccept } });
    expect(simpleRequest.status).toBe(400);
    expect(await simpleRequest.text()).toMatch(/CSRF/);
  });
});

describe("the playground page with GRAPHQL_PLAYGROUND=true", () => {
  it("serves HTML with a strict CSP that references only our own files", async () => {
    const response = await fetch(`${productionWithPlayground.url}/graphql`, { headers: { accept: browserAccept } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toMatch(/https?:|\*/);
    const html = await response.text();
    expect(html).not.toMatch(/<script>|<style|\son\w+=/);
    const references = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
    expect(references).toContain(`/graphql/playground/${manifest.script}`);
    for (const reference of references) expect(reference).toMatch(/^(\/graphql\/playground\/[\w.-]+|data:,)$/);
  });

  it("serves the bundle with content types and long cache headers, and nothing outside it", async () => {
    const files = [manifest.script, ...manifest.styles, ...manifest.files.filter((file) => file.includes(".worker-"))];
    expect(files.filter((file) => file.includes(".worker-"))).toHaveLength(3);
    for (const file of files) {
      const response = await fetch(`${productionWithPlayground.url}/graphql/playground/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-type"), file).toBe(file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    for (const other of ["manifest.json", "..%2F..%2Fpackage.json", "app.js"]) {
      expect((await fetch(`${productionWithPlayground.url}/graphql/playground/${other}`)).status, other).toBe(404);
    }
  });

  it("leaves GraphQL requests to Apollo", async () => {
    const result = await productionWithPlayground.graphql("{ __typename }");
    expect(result.data).toEqual({ __typename: "Query" });
  });
});

describe("a server whose playground is not built", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), "um-playground-missing-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("answers 503 naming the build command, and keeps serving GraphQL", async () => {
    const playground = graphqlPlayground({ enabled: true, directory });
    const app = Fastify();
    app.route({ url: "/graphql", method: ["GET", "POST"], onRequest: playground.onGraphqlRequest, handler: async () => ({ data: { ok: true } }) });
    await app.register(playground.routes);
    try {
      const page = await app.inject({ method: "GET", url: "/graphql", headers: { accept: browserAccept } });
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain("npm run build:playground");
      const query = await app.inject({ method: "POST", url: "/graphql", payload: { query: "{ ok }" } });
      expect(query.json()).toEqual({ data: { ok: true } });
    } finally {
      await app.close();
    }
  });
});
