import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../src/platform/tokens";
import { CompanyNameDocument, DeleteMyAccountDocument, MeDocument } from "./generated/graphql";
import { registerAccount, strongPassword } from "./support/accounts";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { startTestServer, type TestServer } from "./support/server";
import { addMember, createOrganization, tokensIn } from "./support/tenancy";

// Two replicas need one shared database and Redis between them: PostgreSQL and REDIS_URL (always set in CI).
const sharedServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

describe.runIf(sharedServices)("deleteMyAccount on one of two replicas", () => {
  let database: TestDatabase;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    const key = await generateSigningKey(Math.floor(Date.now() / 1000));
    const environment = { REDIS_NAMESPACE: `um-privacy-replicas-${Date.now()}`, JWT_SIGNING_KEYS: JSON.stringify([{ kid: key.kid, ...key.jwk }]) };
    first = await startTestServer(environment, { sharedDatabase: database });
    second = await startTestServer(environment, { sharedDatabase: database });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  async function eventually(check: () => Promise<boolean>) {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  it("has the other replica refuse the deleted user's tokens, company-scoped ones included", async () => {
    const owner = await registerAccount(first);
    const member = await registerAccount(first);
    const companyId = await createOrganization(first, owner, "Replicated Trading");
    await addMember(first, companyId, member.user.id, "MEMBER");
    const scoped = await tokensIn(first, member, companyId);
    expect((await second.graphql(MeDocument, {}, { token: member.tokens.accessToken })).data?.me?.id).toBe(member.user.id);
    expect((await second.graphql(CompanyNameDocument, { id: companyId }, { token: scoped.accessToken })).data?.company?.name).toBe("Replicated Trading");

    const deleted = await first.graphql(DeleteMyAccountDocument, { password: strongPassword }, { token: scoped.accessToken });
    expect(deleted.data?.deleteMyAccount).toEqual({ ok: true, userErrors: [] });

    expect(await eventually(async () => (await second.graphql(MeDocument, {}, { token: member.tokens.accessToken })).status === 401)).toBe(true);
    expect((await second.graphql(CompanyNameDocument, { id: companyId }, { token: scoped.accessToken })).status).toBe(401);
    expect((await second.graphql(MeDocument, {}, { token: owner.tokens.accessToken })).data?.me?.id).toBe(owner.user.id);
  });
});
