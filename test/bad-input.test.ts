import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBadRequests, type BadRequest } from "./support/bad-requests.js";
import { startTestServer, type SeededUser, type TestServer } from "./support/server.js";

const seed = Number(process.env.BAD_INPUT_SEED ?? 20261202);
const requestCount = 1_500;
const answerWithinMs = 5_000;

let server: TestServer;
let alice: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.seedUser();
});

afterAll(async () => {
  await server?.close();
});

interface Answer {
  status: number;
  text: string;
}

async function send(request: BadRequest): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (request.contentType !== undefined) headers["content-type"] = request.contentType;
  if (request.authenticated) headers.authorization = `Bearer ${alice.accessToken}`;
  if (request.method === "GET") headers["apollo-require-preflight"] = "true";
  const response = await fetch(`${server.url}/graphql${request.search ?? ""}`, {
    method: request.method,
    headers,
    body: request.body,
    signal: AbortSignal.timeout(answerWithinMs),
  });
  return { status: response.status, text: await response.text() };
}

describe("generated bad requests", () => {
  it(`answer each with a client error, in time, and log nothing at error level (seed ${seed}; BAD_INPUT_SEED replays)`, async () => {
    const requests = generateBadRequests(seed, requestCount, [alice.userId, alice.companyId, "not-a-uuid"]);
    const failures: string[] = [];
    const categories = new Map<string, number>();
    for (let start = 0; start < requests.length; start += 10) {
      await Promise.all(
        requests.slice(start, start + 10).map(async (request, offset) => {
          categories.set(request.category, (categories.get(request.category) ?? 0) + 1);
          const describeRequest = `#${start + offset} ${request.category} ${request.method} ${request.contentType ?? ""} ${(request.search ?? request.body ?? "").slice(0, 200)}`;
          try {
            const answer = await send(request);
            if (answer.status >= 500) failures.push(`${describeRequest} → HTTP ${answer.status}`);
            if (answer.text.includes("INTERNAL_SERVER_ERROR")) failures.push(`${describeRequest} → ${answer.text.slice(0, 300)}`);
          } catch (error) {
            failures.push(`${describeRequest} → ${(error as Error).name}: ${(error as Error).message}`);
          }
        }),
      );
    }
    const errorLines = server.logLines.filter((line) => Number(line.level) >= 50).map((line) => JSON.stringify(line).slice(0, 400));
    expect([...categories.keys()].length, "every category generated").toBe(7);
    expect({ seed, failureCount: failures.length, failures: failures.slice(0, 20), errorLines: errorLines.slice(0, 10) }).toEqual({
      seed,
      failureCount: 0,
      failures: [],
      errorLines: [],
    });
  }, 60_000);
});

describe("the answers a caller can act on", () => {
  const entities = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }";

  it.each([
    ["not an object", ["user-1"]],
    ["without __typename", [{ id: "x" }]],
    ["of an unknown type", [{ __typename: "Order", id: "x" }]],
    ["of a type that is no entity", [{ __typename: "PageInfo", id: "x" }]],
    ["with a numeric User id", [{ __typename: "User", id: 7 }]],
    ["with an object Company id", [{ __typename: "Company", id: { id: "x" } }]],
  ])("a representation %s is BAD_USER_INPUT", async (_name, representations) => {
    const result = await server.graphql(entities, { r: representations }, { token: alice.accessToken });
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
  });

  it("a persisted-query hash that does not match its query is Apollo's 400 BAD_REQUEST", async () => {
    const query = "{ __typename }";
    const sha256Hash = createHash("sha256").update(`${query} `).digest("hex");
    const result = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    });
    expect(result.status).toBe(400);
    const body = (await result.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((error) => [error.message, error.extensions.code])).toEqual([["provided sha does not match query", "BAD_REQUEST"]]);
  });
});
