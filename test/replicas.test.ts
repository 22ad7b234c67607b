import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogoutDocument, MeDocument, UpdateProfileDocument } from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { eventually, replicasCanRun, startReplicaPair, type ReplicaPair } from "./support/replicas.js";
import type { TestServer } from "./support/server.js";

describe.runIf(replicasCanRun)("two replicas on one database and Redis", () => {
  let pair: ReplicaPair;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    pair = await startReplicaPair("replicas");
    ({ first, second } = pair);
  });

  afterAll(async () => {
    await pair?.close();
  });

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
