import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeDocument, UpdateProfileDocument, UserByIdDocument } from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe("me", () => {
  it("is null without a token", async () => {
    const result = await server.graphql(MeDocument, {});
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toBeNull();
  });

  it("is the signed-in user with their session's company", async () => {
    const account = await registerAccount(server, { fullName: "Maya" });
    const me = (await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).data!.me!;
    expect(me).toMatchObject({ id: account.user.id, email: account.email, fullName: "Maya", status: "ACTIVE", activeCompany: { type: "INDIVIDUAL", name: "Maya" } });
  });
});

describe("user(id)", () => {
  it("shows the caller themself and nobody else", async () => {
    const alice = await registerAccount(server);
    const bob = await registerAccount(server);
    const self = await server.graphql(UserByIdDocument, { id: alice.user.id }, { token: alice.tokens.accessToken });
    expect(self.data?.user).toMatchObject({ id: alice.user.id, email: alice.email });
    const other = await server.graphql(UserByIdDocument, { id: bob.user.id }, { token: alice.tokens.accessToken });
    expect(other.data?.user).toBeNull();
    const anonymous = await server.graphql(UserByIdDocument, { id: alice.user.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("never shows another user's active company through the gateway", async () => {
    const alice = await registerAccount(server);
    const bob = await registerAccount(server);
    const result = await server.graphql<{ _entities: { activeCompany: unknown }[] }, unknown>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id activeCompany { id } } } }`,
      { representations: [{ __typename: "User", id: bob.user.id }] },
      { token: alice.tokens.accessToken },
    );
    expect(result.data?._entities[0]?.activeCompany).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("updateProfile", () => {
  it("changes the name, investment profile and risk tolerance, leaving out what is not given", async () => {
    const account = await registerAccount(server, { fullName: "Old Name", riskTolerance: "HIGH" });
    const token = account.tokens.accessToken;
    const result = await server.graphql(UpdateProfileDocument, { input: { fullName: " New Name ", investmentProfile: "AGGRESSIVE" } }, { token });
    expect(result.data?.updateProfile).toEqual({
      user: { id: account.user.id, fullName: "New Name", investmentProfile: "AGGRESSIVE", riskTolerance: "HIGH" },
      userErrors: [],
    });
    expect((await server.graphql(MeDocument, {}, { token })).data?.me).toMatchObject({ fullName: "New Name", investmentProfile: "AGGRESSIVE" });
    const cleared = await server.graphql(UpdateProfileDocument, { input: { riskTolerance: null } }, { token });
    expect(cleared.data?.updateProfile.user?.riskTolerance).toBeNull();
    expect(cleared.data?.updateProfile.user?.fullName).toBe("New Name");
  });

  it("refuses a 1 MB or blank name with a userError and changes nothing", async () => {
    const account = await registerAccount(server, { fullName: "Kept" });
    const token = account.tokens.accessToken;
    for (const [fullName, code] of [["n".repeat(1024 * 1024), "TOO_LONG"], ["  ", "REQUIRED"]] as const) {
      const result = await server.graphql(UpdateProfileDocument, { input: { fullName } }, { token });
      expect(result.status).toBe(200);
      expect(result.data?.updateProfile).toEqual({ user: null, userErrors: [{ field: ["input", "fullName"], code, message: expect.any(String) }] });
    }
    expect((await server.graphql(MeDocument, {}, { token })).data?.me?.fullName).toBe("Kept");
  });

  it("requires a token", async () => {
    const result = await server.graphql(UpdateProfileDocument, { input: { fullName: "X" } });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
