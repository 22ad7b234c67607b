import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VerifyUsersDocument } from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { organizationWithRoles } from "./support/tenancy.js";

const serviceToken = `svc-${randomUUID()}-${randomUUID()}`;
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer({ INTERNAL_SERVICE_TOKENS: `orders:${serviceToken}` }, { sharedDatabase: database });
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function organization() {
  const { companyId, members } = await organizationWithRoles(server, `Verified ${randomUUID().slice(0, 8)}`);
  const prisma = server.deps.database.prisma;
  await prisma.user.update({ where: { id: members.MEMBER.user.id }, data: { emailVerifiedAt: new Date(), verificationStatus: "VERIFIED" } });
  await prisma.user.update({ where: { id: members.VIEWER.user.id }, data: { lockedUntil: new Date(Date.now() + 60_000) } });
  return { companyId, members, outsider: await registerAccount(server) };
}

describe("verifyUsers", () => {
  it("answers each member in the order asked, and others' users as not found", async () => {
    const { companyId, members, outsider } = await organization();
    const unknown = randomUUID();
    const ids = [members.MEMBER.user.id, members.VIEWER.user.id, outsider.user.id, unknown, "not-an-id", members.OWNER.user.id.toUpperCase()];
    const answer = (await server.graphql(VerifyUsersDocument, { companyId, userIds: ids }, { token: members.ADMIN.tokens.accessToken })).data!.verifyUsers;

    expect(answer.timedOut).toBe(0);
    expect(answer.elapsedMs).toBeLessThan(500);
    expect(answer.results.map((result) => result.userId)).toEqual(ids);
    expect(answer.results[0]).toMatchObject({ exists: true, memberOfCompany: true, status: "ACTIVE", verificationStatus: "VERIFIED", emailVerified: true, locked: false, completed: true });
    expect(answer.results[1]).toMatchObject({ exists: true, locked: true, emailVerified: false, verificationStatus: "PENDING" });
    for (const missing of answer.results.slice(2, 5)) {
      expect(missing).toEqual({ userId: missing.userId, exists: false, memberOfCompany: false, status: null, verificationStatus: null, emailVerified: null, locked: null, completed: true });
    }
    expect(answer.results[5]).toMatchObject({ exists: true, completed: true });
  });

  it("is for ADMIN+ of that company only, and takes at most 1,000 ids", async () => {
    const { companyId, members } = await organization();
    const other = await organizationWithRoles(server, "Elsewhere");
    for (const token of [members.MANAGER.tokens.accessToken, members.MEMBER.tokens.accessToken, other.members.ADMIN.tokens.accessToken]) {
      const refused = await server.graphql(VerifyUsersDocument, { companyId, userIds: [members.MEMBER.user.id] }, { token });
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    const tooMany = await server.graphql(VerifyUsersDocument, { companyId, userIds: Array.from({ length: 1_001 }, () => randomUUID()) }, { token: members.ADMIN.tokens.accessToken });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("TOO_MANY_IDS");
    const thousand = await server.graphql(VerifyUsersDocument, { companyId, userIds: [members.MEMBER.user.id, ...Array.from({ length: 999 }, () => randomUUID())] }, { token: members.ADMIN.tokens.accessToken });
    expect(thousand.data!.verifyUsers.results).toHaveLength(1_000);
    expect(thousand.data!.verifyUsers.results.filter((result) => result.exists)).toHaveLength(1);
  });

  it.runIf(process.env.DATABASE_URL)("marks the users not checked within 500 ms instead of failing the batch", async () => {
    const { companyId, members } = await organization();
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query('LOCK TABLE "users" IN ACCESS EXCLUSIVE MODE');
      const answer = (await server.graphql(VerifyUsersDocument, { companyId, userIds: [members.MEMBER.user.id, members.VIEWER.user.id] }, { token: members.ADMIN.tokens.accessToken })).data!.verifyUsers;
      expect(answer.timedOut).toBe(2);
      expect(answer.results.every((result) => !result.completed && result.exists === false)).toBe(true);
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(490);
      expect(answer.elapsedMs).toBeLessThan(1_500);
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
  });
});

describe("POST /internal/users/verify", () => {
  const call = (body: unknown, authorization?: string) =>
    fetch(`${server.url}/internal/users/verify`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });

  it("answers another service holding a configured credential", async () => {
    const { companyId, members, outsider } = await organization();
    const response = await call({ companyId, userIds: [members.MEMBER.user.id, outsider.user.id] }, `Bearer ${serviceToken}`);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { results: { exists: boolean; emailVerified: boolean | null }[]; timedOut: number };
    expect(answer.timedOut).toBe(0);
    expect(answer.results.map((result) => result.exists)).toEqual([true, false]);
  });

  it("refuses user tokens, wrong or missing credentials, and malformed bodies", async () => {
    const { companyId, members } = await organization();
    for (const authorization of [undefined, `Bearer ${serviceToken}x`, `Bearer ${members.ADMIN.tokens.accessToken}`]) {
      const refused = await call({ companyId, userIds: [members.MEMBER.user.id] }, authorization);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe("UNAUTHENTICATED");
    }
    for (const body of [{ companyId }, { companyId, userIds: "all" }, { userIds: [] }, { companyId, userIds: [1, 2] }]) {
      expect((await call(body, `Bearer ${serviceToken}`)).status).toBe(400);
    }
    const tooMany = await call({ companyId, userIds: Array.from({ length: 1_001 }, () => randomUUID()) }, `Bearer ${serviceToken}`);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe("TOO_MANY_IDS");
  });
});
