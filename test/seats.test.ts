import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AcceptInvitationDocument, ApproveMemberDocument, InviteUserDocument, RefreshTokenDocument } from "./generated/graphql.js";
import { registerAccount, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { addMember, createOrganization, setPlan, tokensIn } from "./support/tenancy.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const prisma = () => server.deps.database.prisma;

/** A FREE organization (3 seats) with its OWNER's token and `members` active members besides the OWNER. */
async function freeOrganization(members: number) {
  const owner = await registerAccount(server, { fullName: "Seat Owner" });
  const companyId = await createOrganization(server, owner, "Seats Co");
  for (let i = 0; i < members; i++) await addMember(server, companyId, (await registerAccount(server)).user.id, "MEMBER");
  return { companyId, owner: { ...owner, tokens: await tokensIn(server, owner, companyId) } };
}

async function invite(companyId: string, token: string, email: string) {
  const result = await server.graphql(InviteUserDocument, { companyId, input: { email, role: "MEMBER" } }, { token });
  expect(result.errors).toBeUndefined();
  return result.data!.inviteUser;
}

/** A plan change refuses the company's older tokens: the next pair comes from a refresh. */
async function refreshed(tokens: { refreshToken: string }) {
  return (await server.graphql(RefreshTokenDocument, { refreshToken: tokens.refreshToken })).data!.refreshToken.tokens!;
}

const codesOf = (payload: { userErrors: { code: string }[] }) => payload.userErrors.map((error) => error.code);

describe("seats", () => {
  it("refuses an invitation when active members fill the plan", async () => {
    const { companyId, owner } = await freeOrganization(2);
    const payload = await invite(companyId, owner.tokens.accessToken, uniqueEmail("fourth"));
    expect(payload.userErrors).toEqual([
      { field: null, code: "SEAT_LIMIT_REACHED", message: "All 3 seats of the company's plan are taken (3 members and 0 pending invitations): upgrade the subscription or free a seat first" },
    ]);
    expect(await prisma().invitation.count({ where: { companyId } })).toBe(0);
  });

  it("counts pending invitations as taken seats, except when the same email is invited again", async () => {
    const { companyId, owner } = await freeOrganization(1);
    const first = uniqueEmail("first");
    expect(codesOf(await invite(companyId, owner.tokens.accessToken, first))).toEqual([]);
    expect(codesOf(await invite(companyId, owner.tokens.accessToken, uniqueEmail("second")))).toEqual(["SEAT_LIMIT_REACHED"]);
    expect(codesOf(await invite(companyId, owner.tokens.accessToken, first))).toEqual([]);
  });

  it("refuses accepting an invitation once the seats filled up meanwhile", async () => {
    const { companyId, owner } = await freeOrganization(1);
    const email = uniqueEmail("late");
    const { invitationCode } = await invite(companyId, owner.tokens.accessToken, email);
    await addMember(server, companyId, (await registerAccount(server)).user.id, "MEMBER");
    const invitee = await registerAccount(server, { email });
    const accepted = await server.graphql(AcceptInvitationDocument, { code: invitationCode! }, { token: invitee.tokens.accessToken });
    expect(codesOf(accepted.data!.acceptInvitation)).toEqual(["SEAT_LIMIT_REACHED"]);
    expect(await prisma().membership.count({ where: { companyId, userId: invitee.user.id } })).toBe(0);
  });

  it("refuses approving a domain join on a full plan, and allows it after an upgrade", async () => {
    const { companyId, owner } = await freeOrganization(2);
    const joiner = await registerAccount(server);
    await prisma().membership.create({ data: { companyId, userId: joiner.user.id, role: "MEMBER", status: "PENDING_APPROVAL" } });
    const refused = await server.graphql(ApproveMemberDocument, { companyId, userId: joiner.user.id }, { token: owner.tokens.accessToken });
    expect(codesOf(refused.data!.approveMember)).toEqual(["SEAT_LIMIT_REACHED"]);

    await setPlan(server, companyId, "PRO");
    const tokens = await refreshed(owner.tokens);
    const approved = await server.graphql(ApproveMemberDocument, { companyId, userId: joiner.user.id }, { token: tokens.accessToken });
    expect(approved.data!.approveMember).toEqual({ ok: true, userErrors: [] });
  });

  it("holds a company with a downgrade pending to the lower tier's seats", async () => {
    const { companyId, owner } = await freeOrganization(2);
    await setPlan(server, companyId, "PRO");
    await prisma().subscription.update({ where: { companyId }, data: { pendingTier: "FREE" } });
    const tokens = await refreshed(owner.tokens);
    expect(codesOf(await invite(companyId, tokens.accessToken, uniqueEmail("over")))).toEqual(["SEAT_LIMIT_REACHED"]);
  });
});
