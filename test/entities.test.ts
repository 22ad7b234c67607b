import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsOf } from "../src/permissions/roles.js";
import { composeWithOrders } from "../examples/gateway/compose.js";
import { startTestServer, type SeededUser, type TestServer } from "./support/server.js";

const userEntities = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { id fullName email } }
}`;
const companyEntities = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Company { id name type } }
}`;

let server: TestServer;
let alice: SeededUser;
let others: SeededUser[];

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.seedUser({ fullName: "Alice" });
  others = await Promise.all(Array.from({ length: 5 }, (_, index) => server.seedUser({ fullName: `Other ${index}` })));
  // The first request of a session reads its revocation state once; count entity queries after that.
  await server.graphql("{ __typename }", {}, { token: alice.accessToken });
});

afterAll(async () => {
  await server?.close();
});

/** Counts the SQL statements sent while `run` executes that read `table` as their main table. */
async function countQueries<T>(table: string, run: () => Promise<T>): Promise<{ result: T; count: number }> {
  let count = 0;
  const readsTable = new RegExp(`\\bFROM (?:"\\w+"\\.)?"${table}"`);
  const stop = server.deps.database.onQuery((sql) => {
    if (readsTable.test(sql)) count += 1;
  });
  try {
    return { result: await run(), count };
  } finally {
    stop();
  }
}

describe("_service", () => {
  it("serves the subgraph SDL to the gateway without a token, and it composes", async () => {
    const result = await server.graphql<{ _service: { sdl: string } }, never>("{ _service { sdl } }");
    expect(result.errors).toBeUndefined();
    const sdl = result.data?._service.sdl ?? "";
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Company\s+@key\(fields: "id"\)/);
    expect(composeWithOrders(sdl).errors).toEqual([]);
  });
});

describe("User entities", () => {
  it("resolves N representations with one SQL query, keeping their order", async () => {
    const ids = [alice, ...others].map((user) => user.userId).reverse();
    const { result, count } = await countQueries("users", () =>
      server.graphql<{ _entities: { id: string; fullName: string }[] }, unknown>(
        userEntities.replace(" email", ""),
        { representations: ids.map((id) => ({ __typename: "User", id })) },
        { token: alice.accessToken },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((user) => user.id)).toEqual(ids);
    expect(result.data?._entities.at(-1)?.fullName).toBe("Alice");
    expect(count).toBe(1);
  });

  it("shows the email to the user themself and denies it (null + FORBIDDEN) for anyone else", async () => {
    const result = await server.graphql<{ _entities: ({ id: string; email: string | null } | null)[] }, unknown>(
      userEntities,
      { representations: [alice, others[0]!].map((user) => ({ __typename: "User", id: user.userId })) },
      { token: alice.accessToken },
    );
    expect(result.data?._entities[0]).toMatchObject({ id: alice.userId, email: alice.email });
    expect(result.data?._entities[1]).toMatchObject({ id: others[0]!.userId, fullName: "Other 0", email: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({ path: ["_entities", 1, "email"], extensions: { code: "FORBIDDEN" } });
  });

  it("answers null for unknown and malformed ids", async () => {
    const result = await server.graphql<{ _entities: unknown[] }, unknown>(
      userEntities.replace(" email", ""),
      { representations: [{ __typename: "User", id: "00000000-0000-4000-8000-000000000000" }, { __typename: "User", id: "nope" }] },
      { token: alice.accessToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([null, null]);
  });

  it("refuses entity fields to a caller without a token", async () => {
    const result = await server.graphql<{ _entities: unknown[] }, unknown>(userEntities, {
      representations: [{ __typename: "User", id: alice.userId }],
    });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(result.data)).not.toContain("Alice");
  });
});

describe("a members page of 50", () => {
  it("loads memberships with one query and their users with one more, and from the cache after that", async () => {
    const prisma = server.deps.database.prisma;
    const company = await prisma.company.create({ data: { name: "Fifty Ltd", slug: `fifty-${randomUUID()}`, type: "ORGANIZATION" } });
    const users = await prisma.user.createManyAndReturn({
      data: Array.from({ length: 49 }, (_, index) => ({ email: `fifty-${index}-${randomUUID()}@example.com`, fullName: `Member ${index}` })),
      select: { id: true },
    });
    await prisma.membership.createMany({
      data: [{ userId: alice.userId, role: "OWNER" as const }, ...users.map((user) => ({ userId: user.id, role: "MEMBER" as const }))].map((row, index) => ({
        ...row,
        companyId: company.id,
        createdAt: new Date(Date.now() - 60_000 + index),
      })),
    });
    const { token } = await server.deps.tokens.issueAccessToken({
      userId: alice.userId,
      companyId: company.id,
      sessionId: alice.sessionId,
      role: "OWNER",
      permissions: permissionsOf("OWNER"),
      tier: "FREE",
    });
    await server.graphql("{ __typename }", {}, { token });
    const page = () =>
      server.graphql<{ company: { members: { edges: { node: { role: string; user: { fullName: string } } }[] } } }, unknown>(
        `query ($id: ID!) { company(id: $id) { members(first: 50) { edges { node { user { fullName } role } } } } }`,
        { id: company.id },
        { token },
      );
    // [queries on memberships, queries on users] for one page.
    const cold = await countQueries("memberships", () => countQueries("users", page));
    expect([cold.count, cold.result.count]).toEqual([1, 1]);
    const warm = await countQueries("memberships", () => countQueries("users", page));
    expect([warm.count, warm.result.count]).toEqual([0, 0]);
    expect(warm.result.result.data!.company.members.edges).toHaveLength(50);
    expect(warm.result.result.data!.company.members.edges[1]!.node).toEqual({ role: "MEMBER", user: { fullName: "Member 0" } });
  });
});

describe("Company entities", () => {
  it("resolves N representations with one SQL query on companies", async () => {
    const { result, count } = await countQueries("companies", () =>
      server.graphql<{ _entities: ({ id: string; type: string } | null)[] }, unknown>(
        companyEntities,
        { representations: [alice, ...others].map((user) => ({ __typename: "Company", id: user.companyId })) },
        { token: alice.accessToken },
      ),
    );
    expect(count).toBe(1);
    expect(result.data?._entities[0]).toMatchObject({ id: alice.companyId, type: "INDIVIDUAL" });
  });

  it("shows a company to its members and denies it to others", async () => {
    const result = await server.graphql<{ _entities: ({ id: string | null; name: string | null } | null)[] }, unknown>(
      companyEntities,
      { representations: [alice, others[1]!].map((user) => ({ __typename: "Company", id: user.companyId })) },
      { token: alice.accessToken },
    );
    expect(result.data?._entities[0]?.id).toBe(alice.companyId);
    expect(result.data?._entities[1]).toBeNull();
    expect(result.errors?.map((error) => error.extensions?.code)).toContain("FORBIDDEN");
  });
});
