import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type SeededUser, type TestServer } from "./support/server.js";

const userEntity = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id fullName } } }`;

let server: TestServer;
let alice: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.seedUser({ fullName: "Alice" });
  // Warms the session guard, so the requests below read only the user row.
  await server.graphql("{ __typename }", {}, { token: alice.accessToken });
});

afterAll(async () => {
  await server?.close();
});

function countUserQueries(): { count: () => number; stop: () => void } {
  let count = 0;
  const stop = server.deps.database.onQuery((sql) => {
    if (/\bFROM (?:"\w+"\.)?"users"/.test(sql)) count += 1;
  });
  return { count: () => count, stop };
}

describe("first requests for a user not yet cached", () => {
  it("1,000 concurrent entity fetches of one user send one SQL query", { timeout: 30_000 }, async () => {
    const bob = await server.seedUser({ fullName: "Bob" });
    const queries = countUserQueries();
    try {
      const results = await Promise.all(
        Array.from({ length: 1_000 }, () =>
          server.graphql<{ _entities: { id: string; fullName: string }[] }, unknown>(
            userEntity,
            { representations: [{ __typename: "User", id: bob.userId }] },
            { token: alice.accessToken },
          ),
        ),
      );
      expect(results.filter((result) => result.data?._entities[0]?.fullName === "Bob")).toHaveLength(1_000);
      expect(queries.count()).toBe(1);
    } finally {
      queries.stop();
    }
  });
});

describe.runIf(process.env.REDIS_URL)("rows an older release left in Redis", () => {
  it("are not served: the key carries the version of the cached shape", async () => {
    const carol = await server.seedUser({ fullName: "Carol" });
    const redis = new Redis(process.env.REDIS_URL as string);
    try {
      // What the release before shape-versioned keys cached: another shape, under `user:<id>`.
      const olderShape = JSON.stringify({ id: carol.userId, fullName: "Carol (older release)" });
      await redis.set(`${server.deps.config.redis?.namespace}:user:${carol.userId}`, olderShape, "EX", 60);
      const result = await server.graphql<{ _entities: { fullName: string }[] }, unknown>(
        userEntity,
        { representations: [{ __typename: "User", id: carol.userId }] },
        { token: alice.accessToken },
      );
      expect(result.data?._entities[0]?.fullName).toBe("Carol");
    } finally {
      redis.disconnect();
    }
  });
});
