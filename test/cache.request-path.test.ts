import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompanyMembersDocument, MeDocument, RemoveMemberDocument, UpdateMemberRoleDocument } from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { startTestServer, type SeededUser, type TestServer } from "./support/server.js";
import { addMember, createOrganization, tokensIn } from "./support/tenancy.js";

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

describe("a user in two companies", () => {
  it("keeps no cached role after it changed, and reads nothing of the other company through the first's token once out of it", async () => {
    const owner = await registerAccount(server);
    const member = await registerAccount(server);
    const companyB = await createOrganization(server, owner);
    await addMember(server, companyB, member.user.id, "ADMIN");
    const inB = await tokensIn(server, member, companyB);
    // B's member list and the member's B role are now cached (LRU, Redis, session guard).
    const warm = await server.graphql(CompanyMembersDocument, { id: companyB, first: 10 }, { token: inB.accessToken });
    expect(warm.data?.company?.members?.totalCount).toBe(2);

    const ownerInB = await tokensIn(server, owner, companyB);
    await server.graphql(UpdateMemberRoleDocument, { companyId: companyB, userId: member.user.id, role: "VIEWER" }, { token: ownerInB.accessToken });
    expect((await server.graphql(MeDocument, {}, { token: inB.accessToken })).status).toBe(401);
    const asViewer = await tokensIn(server, member, companyB);
    expect(await server.deps.tokens.verifyAccessToken(asViewer.accessToken)).toMatchObject({ companyId: companyB, role: "VIEWER" });

    await server.graphql(RemoveMemberDocument, { companyId: companyB, userId: member.user.id }, { token: ownerInB.accessToken });
    const throughA = await server.graphql(CompanyMembersDocument, { id: companyB, first: 10 }, { token: member.tokens.accessToken });
    expect(throughA.data).toEqual({ company: null });
  });
});
