import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../src/platform/tokens";
import { LogoutDocument, MeDocument, UpdateProfileDocument } from "./generated/graphql";
import { registerAccount } from "./support/accounts";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { startTestServer, type TestServer } from "./support/server";

// Two replicas need one shared database and Redis between them: PostgreSQL and REDIS_URL (always set in CI).
const sharedServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

describe.runIf(sharedServices)("two replicas on one database and Redis", () => {
  let database: TestDatabase;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Replicas share configured signing keys and one Redis namespace, as in production.
    const key = await generateSigningKey(Math.floor(Date.now() / 1000));
    const environment = { REDIS_NAMESPACE: `um-replicas-${Date.now()}`, JWT_SIGNING_KEYS: JSON.stringify([{ kid: key.kid, ...key.jwk }]) };
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

  it("a logout on one replica is refused on the other", async () => {
    const account = await registerAccount(first);
    const token = account.tokens.accessToken;
    expect((await second.graphql(MeDocument, {}, { token })).data?.me?.id).toBe(account.user.id);
    await first.graphql(LogoutDocument, {}, { token });
    expect(await eventually(async () => (await second.graphql(MeDocument, {}, { token })).status === 401)).toBe(true);
  });

  it("a profile change on one replica is what the other serves", async () => {
    const account = await registerAccount(first, { fullName: "Before" });
    const token = account.tokens.accessToken;
    expect((await second.graphql(MeDocument, {}, { token })).data?.me?.fullName).toBe("Before");
    await first.graphql(UpdateProfileDocument, { input: { fullName: "After" } }, { token });
    expect(await eventually(async () => (await second.graphql(MeDocument, {}, { token })).data?.me?.fullName === "After")).toBe(true);
  });
});
