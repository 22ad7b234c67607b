import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompanyNameDocument, DeleteMyAccountDocument, MeDocument } from "./generated/graphql.js";
import { registerAccount, strongPassword } from "./support/accounts.js";
import { eventually, replicasCanRun, startReplicaPair, type ReplicaPair } from "./support/replicas.js";
import type { TestServer } from "./support/server.js";
import { addMember, createOrganization, tokensIn } from "./support/tenancy.js";

describe.runIf(replicasCanRun)("deleteMyAccount on one of two replicas", () => {
  let pair: ReplicaPair;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    pair = await startReplicaPair("privacy-replicas");
    ({ first, second } = pair);
  });

  afterAll(async () => {
    await pair?.close();
  });

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
