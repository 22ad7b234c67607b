import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CompanyDocument,
  CompanyMembersDocument,
  CompanySettingsDocument,
  CreateCompanyDocument,
  MeDocument,
  MemberEmailsDocument,
  MyCompaniesDocument,
  MyMembershipsDocument,
  RefreshTokenDocument,
  SwitchCompanyDocument,
  UpdateCompanyDocument,
  UpdateCompanySettingsDocument,
  UserByIdDocument,
  UserMembershipsDocument,
} from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { addMember, createOrganization, organizationWithRoles, tokensIn } from "./support/tenancy.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe("createCompany", () => {
  it("creates an organization the caller owns, with default settings, listed in myCompanies", async () => {
    const ann = await registerAccount(server);
    const created = await server.graphql(CreateCompanyDocument, { input: { name: "  Acme Trading ", industry: "Finance", companySize: "11-50" } }, { token: ann.tokens.accessToken });
    const company = created.data!.createCompany.company!;
    expect(created.data!.createCompany.userErrors).toEqual([]);
    expect(company).toMatchObject({ name: "Acme Trading", type: "ORGANIZATION", industry: "Finance", companySize: "11-50" });

    const mine = await server.graphql(MyCompaniesDocument, {}, { token: ann.tokens.accessToken });
    expect(mine.data!.myCompanies.map((c) => c.type)).toEqual(["INDIVIDUAL", "ORGANIZATION"]);

    const settings = await server.graphql(CompanySettingsDocument, { id: company.id }, { token: ann.tokens.accessToken });
    expect(settings.data!.company!.settings).toEqual({
      tradingEnabled: true,
      riskManagementRequired: true,
      dataRetentionDays: 365,
      allowedTradingHours: "24/7",
      mfaRequired: false,
    });
    const memberships = await server.graphql(MyMembershipsDocument, {}, { token: ann.tokens.accessToken });
    expect(memberships.data!.me!.memberships!.map((m) => [m.company.type, m.role])).toEqual([
      ["INDIVIDUAL", "OWNER"],
      ["ORGANIZATION", "OWNER"],
    ]);
  });

  it("refuses a blank or overlong name and creates nothing", async () => {
    const ann = await registerAccount(server);
    for (const input of [{ name: "   " }, { name: "x".repeat(201) }, { name: "Fine", industry: "y".repeat(101) }]) {
      const result = await server.graphql(CreateCompanyDocument, { input }, { token: ann.tokens.accessToken });
      expect(result.data!.createCompany.company).toBeNull();
      expect(result.data!.createCompany.userErrors[0]!.code).toMatch(/REQUIRED|TOO_LONG/);
    }
    expect((await server.graphql(MyCompaniesDocument, {}, { token: ann.tokens.accessToken })).data!.myCompanies).toHaveLength(1);
  });

  it("needs a signed-in caller", async () => {
    const result = await server.graphql(CreateCompanyDocument, { input: { name: "Nope" } });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("company(id)", () => {
  it("answers members and is null (not an error) for others, unknown and malformed ids", async () => {
    const ann = await registerAccount(server);
    const bob = await registerAccount(server);
    const companyId = await createOrganization(server, ann);
    expect((await server.graphql(CompanyDocument, { id: companyId }, { token: ann.tokens.accessToken })).data!.company!.id).toBe(companyId);
    for (const id of [companyId, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const result = await server.graphql(CompanyDocument, { id }, { token: bob.tokens.accessToken });
      expect(result.status).toBe(200);
      expect(result.data!.company).toBeNull();
    }
  });
});

describe("updateCompany and updateCompanySettings", () => {
  it("lets the OWNER rename and ADMINs change settings; validates ranges and changes nothing on bad input", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const renamed = await server.graphql(UpdateCompanyDocument, { companyId, input: { name: "Acme Capital" } }, { token: members.OWNER.tokens.accessToken });
    expect(renamed.data!.updateCompany.company!.name).toBe("Acme Capital");
    const byAdmin = await server.graphql(UpdateCompanyDocument, { companyId, input: { name: "Hijack" } }, { token: members.ADMIN.tokens.accessToken });
    expect(byAdmin.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const changed = await server.graphql(
      UpdateCompanySettingsDocument,
      { companyId, input: { dataRetentionDays: 90, allowedTradingHours: "09:30-16:00", riskManagementRequired: false } },
      { token: members.ADMIN.tokens.accessToken },
    );
    expect(changed.data!.updateCompanySettings.company!.settings).toMatchObject({ dataRetentionDays: 90, allowedTradingHours: "09:30-16:00", riskManagementRequired: false, tradingEnabled: true });

    for (const input of [{ dataRetentionDays: 0 }, { dataRetentionDays: 100_000 }, { allowedTradingHours: "25:00-26:00" }, { allowedTradingHours: "sometimes" }]) {
      const bad = await server.graphql(UpdateCompanySettingsDocument, { companyId, input }, { token: members.OWNER.tokens.accessToken });
      expect(bad.data!.updateCompanySettings.userErrors[0]!.code).toMatch(/OUT_OF_RANGE|BAD_USER_INPUT/);
    }
    const byManager = await server.graphql(UpdateCompanySettingsDocument, { companyId, input: { tradingEnabled: false } }, { token: members.MANAGER.tokens.accessToken });
    expect(byManager.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const read = await server.graphql(CompanySettingsDocument, { id: companyId }, { token: members.MANAGER.tokens.accessToken });
    expect(read.data!.company!.settings).toMatchObject({ dataRetentionDays: 90, allowedTradingHours: "09:30-16:00", tradingEnabled: true });
    const byMember = await server.graphql(CompanySettingsDocument, { id: companyId }, { token: members.MEMBER.tokens.accessToken });
    expect(byMember.data!.company!.settings).toBeNull();
    expect(byMember.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("Company.members", () => {
  it("pages through members with cursors and a totalCount", async () => {
    const owner = await registerAccount(server);
    const companyId = await createOrganization(server, owner);
    const others = await Promise.all(Array.from({ length: 6 }, (_, index) => registerAccount(server, { fullName: `Member ${index}` })));
    for (const other of others) await addMember(server, companyId, other.user.id, "MEMBER");
    const token = owner.tokens.accessToken;

    const membersPage = (after: string | null | undefined) => server.graphql(CompanyMembersDocument, { id: companyId, first: 3, after }, { token });
    const seen: string[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 3; page++) {
      const result: Awaited<ReturnType<typeof membersPage>> = await membersPage(after);
      const members = result.data!.company!.members!;
      expect(members.totalCount).toBe(7);
      seen.push(...members.edges.map((edge) => edge.node.user.id));
      after = members.pageInfo.endCursor;
      if (page < 2) expect(members.pageInfo.hasNextPage).toBe(true);
      else expect(members.pageInfo.hasNextPage).toBe(false);
    }
    // Oldest membership first; members added in the same millisecond are ordered by id, so compare those as a set.
    expect(seen[0]).toBe(owner.user.id);
    expect(new Set(seen.slice(1))).toEqual(new Set(others.map((other) => other.user.id)));
    expect(seen).toHaveLength(7);

    const badCursor = await server.graphql(CompanyMembersDocument, { id: companyId, first: 3, after: "garbage" }, { token });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const tooMany = await server.graphql(CompanyMembersDocument, { id: companyId, first: 1000 }, { token });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("shows co-members' names to everyone in the company, their emails only to MANAGER+", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const asManager = await server.graphql(MemberEmailsDocument, { id: companyId }, { token: members.MANAGER.tokens.accessToken });
    expect(asManager.errors).toBeUndefined();
    expect(asManager.data!.company!.members!.edges.map((edge) => edge.node.user.email)).toContain(members.VIEWER.email);

    const asMember = await server.graphql(MemberEmailsDocument, { id: companyId }, { token: members.MEMBER.tokens.accessToken });
    const emails = asMember.data!.company!.members!.edges.map((edge) => edge.node.user.email);
    expect(emails.filter(Boolean)).toEqual([members.MEMBER.email]);
    expect(asMember.errors?.every((error) => error.extensions?.code === "FORBIDDEN")).toBe(true);
  });
});

describe("user(id) and User.memberships", () => {
  it("shows a member's details to their managers, only their memberships in shared companies", async () => {
    const { companyId, members } = await organizationWithRoles(server);
    const viewer = members.VIEWER;
    const viewersOwnCompany = await createOrganization(server, viewer, "Viewer's Side Business");

    const asManager = await server.graphql(UserMembershipsDocument, { id: viewer.user.id }, { token: members.MANAGER.tokens.accessToken });
    expect(asManager.data!.user!.email).toBe(viewer.email);
    expect(asManager.data!.user!.memberships!.map((m) => m.company.id)).toEqual([companyId]);

    const asSelf = await server.graphql(UserMembershipsDocument, { id: viewer.user.id }, { token: viewer.tokens.accessToken });
    expect(asSelf.data!.user!.memberships!.map((m) => m.company.id)).toContain(viewersOwnCompany);

    const asPeer = await server.graphql(UserByIdDocument, { id: members.MANAGER.user.id }, { token: members.MEMBER.tokens.accessToken });
    expect(asPeer.data!.user).toBeNull();
    const stranger = await registerAccount(server);
    const asStranger = await server.graphql(UserByIdDocument, { id: viewer.user.id }, { token: stranger.tokens.accessToken });
    expect(asStranger.data!.user).toBeNull();
  });
});

describe("switchCompany", () => {
  it("scopes the session's tokens to another company of the caller's and keeps it across refreshes", async () => {
    const ann = await registerAccount(server);
    const companyId = await createOrganization(server, ann);
    const tokens = await tokensIn(server, ann, companyId);
    const me = await server.graphql(MeDocument, {}, { token: tokens.accessToken });
    expect(me.data!.me!.activeCompany).toMatchObject({ id: companyId, type: "ORGANIZATION" });
    const refreshed = await server.graphql(RefreshTokenDocument, { refreshToken: tokens.refreshToken });
    const again = await server.graphql(MeDocument, {}, { token: refreshed.data!.refreshToken.tokens!.accessToken });
    expect(again.data!.me!.activeCompany!.id).toBe(companyId);
    // The pre-switch refresh token is used up: within the reuse grace another tab holding it still gets the session's company.
    const otherTab = await server.graphql(RefreshTokenDocument, { refreshToken: ann.tokens.refreshToken });
    const otherTabMe = await server.graphql(MeDocument, {}, { token: otherTab.data!.refreshToken.tokens!.accessToken });
    expect(otherTabMe.data!.me!.activeCompany!.id).toBe(companyId);
  });

  it("refuses companies the caller is not a member of, unknown and malformed ids", async () => {
    const ann = await registerAccount(server);
    const bob = await registerAccount(server);
    const bobsCompany = await createOrganization(server, bob);
    for (const companyId of [bobsCompany, "00000000-0000-4000-8000-000000000000", "nope"]) {
      const result = await server.graphql(SwitchCompanyDocument, { companyId }, { token: ann.tokens.accessToken });
      expect(result.data?.switchCompany ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });
});
