import { randomBytes } from "node:crypto";
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../src/platform/tokens/index.js";
import { startTestServer, type TestServer } from "./support/server.js";

// me → memberships → company → members → edges → node → user → memberships → company → members → edges → node → role: depth 13.
const deepSelection = "memberships { company { members { edges { node { user { memberships { company { members { edges { node { role } } } } } } } } } } }";

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ GRAPHQL_MAX_DEPTH: "10" });
  token = (await server.seedUser()).accessToken;
  // The first request of a session reads its state once; what a refused query costs is counted after that.
  await server.graphql("{ __typename }", {}, { token });
});

afterAll(async () => {
  await server?.close();
});

async function refusal(query: string, variables?: unknown) {
  const result = await server.graphql(query, variables, { token });
  return { status: result.status, code: result.errors?.[0]?.extensions?.code, message: result.errors?.[0]?.message ?? "", data: result.data };
}

describe("GraphQL limits, before execution", () => {
  it("refuses a query deeper than GRAPHQL_MAX_DEPTH and answers one within it", async () => {
    let queries = 0;
    const stop = server.deps.database.onQuery(() => void (queries += 1));
    const deep = await refusal(`{ me { ${deepSelection} } }`);
    stop();
    expect(deep).toMatchObject({ status: 400, code: "GRAPHQL_VALIDATION_FAILED" });
    expect(deep.message).toMatch(/depth limit of 10 exceeded, found 13/);
    expect(queries).toBe(0);
    const shallow = await server.graphql("{ me { memberships { company { id } } } }", {}, { token });
    expect(shallow.errors).toBeUndefined();
  });

  it("still answers the full introspection query that playgrounds and codegen send", async () => {
    const result = await server.graphql<{ __schema: { types: unknown[] } }, never>(getIntrospectionQuery({ descriptions: true }));
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.types.length).toBeGreaterThan(50);
  });

  it("counts depth through an operation or a fragment named __schema, and beside a real __schema field (GHSA-733v-p3h5-qpq7 and the max-depth twin)", async () => {
    const shapes = [
      `query __schema { me { ${deepSelection} } }`,
      `query Deep { me { ...__schema } } fragment __schema on User { ${deepSelection} }`,
      `{ __schema { queryType { name } } me { ${deepSelection} } }`,
    ];
    for (const query of shapes) {
      const result = await refusal(query);
      expect(result.message, query).toMatch(/depth limit of 10 exceeded/);
      expect(result.code).toBe("GRAPHQL_VALIDATION_FAILED");
    }
  });

  it("answers a document that does not parse with 400 GRAPHQL_PARSE_FAILED", async () => {
    expect(await refusal("{ me { id ")).toMatchObject({ status: 400, code: "GRAPHQL_PARSE_FAILED", message: expect.stringMatching(/^Syntax Error/) });
  });

  it("refuses too many aliases, directives or tokens, and batched requests", async () => {
    const aliases = Array.from({ length: 16 }, (_, index) => `a${index}: me { id }`).join(" ");
    expect((await refusal(`{ ${aliases} }`)).message).toMatch(/Aliases limit of 15 exceeded/);
    const directives = Array.from({ length: 51 }, () => "@include(if: true)").join(" ");
    expect((await refusal(`{ me ${directives} { id } }`)).message).toMatch(/Directives limit of 50 exceeded/);
    const tokens = `{ me { ${Array.from({ length: 2100 }, () => "id").join(" ")} } }`;
    expect(await refusal(tokens)).toMatchObject({ status: 400, code: "GRAPHQL_PARSE_FAILED", message: expect.stringMatching(/2000 tokens/) });

    const batched = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: "{ me { id } }" }, { query: "{ me { id } }" }]),
    });
    expect(batched.status).toBe(400);
  });

  it("refuses an operation whose cost is over GRAPHQL_MAX_COST", async () => {
    const costly = await startTestServer({ GRAPHQL_MAX_COST: "20" });
    try {
      const owner = await costly.seedUser();
      const result = await costly.graphql(`{ me { ${deepSelection.replace(/members \{ edges \{ node \{ role \} \} \}/, "id")} } }`, {}, { token: owner.accessToken });
      expect(result.errors?.[0]?.message).toMatch(/Query Cost limit of 20 exceeded/);
    } finally {
      await costly.close();
    }
  });
});

describe("field suggestions", () => {
  it("are shown in development and hidden in production", async () => {
    const typo = "{ me { fulName } }";
    expect((await refusal(typo)).message).toMatch(/Did you mean "fullName"/);
    const key = await generateSigningKey(Math.floor(Date.now() / 1000));
    const production = await startTestServer({
      NODE_ENV: "production",
      JWT_SIGNING_KEYS: JSON.stringify([{ kid: key.kid, ...key.jwk }]),
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      // Production refuses the development payment provider; nothing here charges.
      PAYMENT_PROVIDER: "http",
      PAYMENT_API_URL: "https://payments.invalid",
      PAYMENT_API_KEY: "sk_test_unused",
    });
    try {
      const result = await production.graphql(typo);
      expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
    } finally {
      await production.close();
    }
  });
});
