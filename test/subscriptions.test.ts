import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fromBinary } from "@bufbuild/protobuf";
import { AuthProcessingEnvelopeSchema } from "../src/generated/proto/user_management/v1/envelope_pb.js";
import { SubscriptionInfoSchema, SubscriptionTier as ClaimTier } from "../src/generated/proto/user_management/v1/subscription_pb.js";
import { decodePbClaims } from "../src/platform/tokens/pb-claims.js";
import {
  ChangeSubscriptionDocument,
  CompanyInvoicesDocument,
  CompanySubscriptionDocument,
  MeDocument,
  RefreshTokenDocument,
  type ChangeSubscriptionInput,
} from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { TestPaymentProvider } from "../src/platform/payments/test-payment-provider.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { addMember, createOrganization, organizationWithRoles, tokensIn } from "./support/tenancy.js";

const payments = new TestPaymentProvider();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { payments });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  payments.reset();
  delete server.deps.services.clock;
});

const prisma = () => server.deps.database.prisma;
const day = 86_400_000;

interface Billing {
  companyId: string;
  tokens: { accessToken: string; refreshToken: string };
}

/** An organization whose OWNER holds a token pair scoped to it; `extraMembers` more active members. */
async function billingOrganization(extraMembers = 0): Promise<Billing> {
  const owner = await registerAccount(server, { fullName: "Billing Owner" });
  const companyId = await createOrganization(server, owner, "Billing Co");
  for (let i = 0; i < extraMembers; i++) {
    const member = await registerAccount(server, { fullName: `Member ${i}` });
    await addMember(server, companyId, member.user.id, "MEMBER");
  }
  return { companyId, tokens: await tokensIn(server, owner, companyId) };
}

/** Every change refuses the company's older tokens: the caller refreshes after one, as a client would after its 401. */
async function change(billing: Billing, input: ChangeSubscriptionInput) {
  const result = await server.graphql(ChangeSubscriptionDocument, { companyId: billing.companyId, input }, { token: billing.tokens.accessToken });
  expect(result.errors).toBeUndefined();
  const refreshed = await server.graphql(RefreshTokenDocument, { refreshToken: billing.tokens.refreshToken });
  billing.tokens = refreshed.data!.refreshToken.tokens!;
  return result.data!.changeSubscription;
}

/**
 * Puts the subscription in a known state straight in the database, its period `daysIn` days into 30, as a change
 * would: the company's older tokens stop, so the owner refreshes.
 */
async function setSubscription(billing: Billing, data: Record<string, unknown>, at: Date, daysIn = 10) {
  const changedAt = new Date();
  const row = await prisma().subscription.update({
    where: { companyId: billing.companyId },
    data: { currentPeriodStart: new Date(at.getTime() - daysIn * day), currentPeriodEnd: new Date(at.getTime() + (30 - daysIn) * day), planChangedAt: changedAt, ...data },
  });
  await server.deps.guard.planChanged(billing.companyId, row.tier, changedAt);
  const refreshed = await server.graphql(RefreshTokenDocument, { refreshToken: billing.tokens.refreshToken });
  billing.tokens = refreshed.data!.refreshToken.tokens!;
}

const subscriptionRow = (companyId: string) => prisma().subscription.findUniqueOrThrow({ where: { companyId } });
const invoicesOf = (companyId: string) => prisma().invoice.findMany({ where: { companyId }, orderBy: { createdAt: "asc" } });

describe("changeSubscription: the lifecycle", () => {
  it("UPGRADE from FREE charges a whole new period of the new plan and applies it at once", async () => {
    const billing = await billingOrganization();
    const before = Date.now();
    const payload = await change(billing, { action: "UPGRADE", targetTier: "PRO" });
    expect(payload.userErrors).toEqual([]);
    expect(payload.subscription).toMatchObject({ tier: "PRO", status: "ACTIVE", billingCycle: "MONTHLY", seats: 25, seatsUsed: 1, cancelAtPeriodEnd: false });
    expect(payload.subscription!.features).toContain("advanced_analytics");
    expect(new Date(payload.subscription!.currentPeriodStart).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(payload.invoice).toMatchObject({
      amountCents: 4_900,
      currency: "USD",
      status: "PAID",
      lines: [{ description: "PRO (monthly), a new full period", amountCents: 4_900 }],
    });
    expect(payments.charges).toEqual([expect.objectContaining({ invoiceId: payload.invoice!.id, companyId: billing.companyId, amountCents: 4_900, currency: "USD" })]);
    const stored = await prisma().invoice.findUniqueOrThrow({ where: { id: payload.invoice!.id } });
    expect(stored).toMatchObject({ status: "PAID", providerReference: payments.charges[0]!.providerReference, subscriptionVersion: 0 });
    expect(await prisma().auditEvent.count({ where: { companyId: billing.companyId, action: "subscription.upgrade", targetId: billing.companyId } })).toBe(1);

    const [event, ...more] = await prisma().outboxEvent.findMany({ where: { companyId: billing.companyId } });
    expect(more).toEqual([]);
    expect(event!.topic).toBe("subscription.changed");
    const envelope = fromBinary(AuthProcessingEnvelopeSchema, event!.envelope);
    expect(envelope).toMatchObject({ messageType: "subscription_info", companyId: billing.companyId, serviceSource: "user-management" });
    expect(envelope.correlationId).not.toBe("");
    const info = fromBinary(SubscriptionInfoSchema, envelope.payload);
    expect(info).toMatchObject({ companyId: billing.companyId, tier: ClaimTier.PRO, seats: 25, cancelAtPeriodEnd: false });
    expect(info.features).toContain("advanced_analytics");
  });

  it("UPGRADE between paid tiers charges the prorated difference for the seconds left", async () => {
    const billing = await billingOrganization();
    const at = new Date(Date.now() + 60_000);
    await setSubscription(billing, { tier: "PRO" }, at);
    server.deps.services.clock = () => at.getTime();
    const payload = await change(billing, { action: "UPGRADE", targetTier: "ENTERPRISE" });
    // 20 of 30 days left: 2/3 of 19,900 (13,267) less 2/3 of 4,900 (3,267).
    expect(payload.invoice).toMatchObject({ amountCents: 10_000, status: "PAID" });
    expect(payload.invoice!.lines.map((line) => line.amountCents)).toEqual([-3_267, 13_267]);
    expect(payload.subscription).toMatchObject({ tier: "ENTERPRISE", seats: 1_000 });
    const row = await subscriptionRow(billing.companyId);
    expect(row.currentPeriodEnd.getTime()).toBe(at.getTime() + 20 * day);
  });

  it("switching monthly to yearly credits the unused month and starts a yearly period", async () => {
    const billing = await billingOrganization();
    const at = new Date(Date.now() + 60_000);
    await setSubscription(billing, { tier: "PRO" }, at);
    server.deps.services.clock = () => at.getTime();
    const payload = await change(billing, { action: "UPGRADE", targetTier: "PRO", billingCycle: "YEARLY" });
    expect(payload.invoice).toMatchObject({ amountCents: 49_000 - 3_267 });
    expect(payload.subscription).toMatchObject({ tier: "PRO", billingCycle: "YEARLY", currentPeriodStart: at.toISOString() });
    expect(new Date(payload.subscription!.currentPeriodEnd).getUTCFullYear()).toBe(at.getUTCFullYear() + 1);
  });

  it("DOWNGRADE waits for the period's end; CANCEL too; REACTIVATE withdraws either; none is charged", async () => {
    const billing = await billingOrganization();
    await setSubscription(billing, { tier: "ENTERPRISE" }, new Date());

    const downgraded = await change(billing, { action: "DOWNGRADE", targetTier: "PRO" });
    expect(downgraded.userErrors).toEqual([]);
    expect(downgraded.subscription).toMatchObject({ tier: "ENTERPRISE", pendingTier: "PRO", cancelAtPeriodEnd: false });
    expect(downgraded.invoice).toMatchObject({ amountCents: 0, status: "PAID", lines: [] });

    const reactivated = await change(billing, { action: "REACTIVATE" });
    expect(reactivated.subscription).toMatchObject({ tier: "ENTERPRISE", pendingTier: null, cancelAtPeriodEnd: false });

    const canceled = await change(billing, { action: "CANCEL" });
    expect(canceled.subscription).toMatchObject({ tier: "ENTERPRISE", status: "ACTIVE", cancelAtPeriodEnd: true });
    expect(canceled.invoice!.description).toContain("FREE from then on");
    expect((await change(billing, { action: "CANCEL" })).userErrors.map((error) => error.code)).toEqual(["NOTHING_TO_CANCEL"]);

    const undone = await change(billing, { action: "REACTIVATE" });
    expect(undone.subscription).toMatchObject({ tier: "ENTERPRISE", cancelAtPeriodEnd: false });
    expect(payments.calls).toBe(0);
    const audited = await prisma().auditEvent.findMany({ where: { companyId: billing.companyId, action: { startsWith: "subscription." } }, orderBy: { createdAt: "asc" } });
    expect(audited.map((event) => event.action)).toEqual(["subscription.downgrade", "subscription.reactivate", "subscription.cancel", "subscription.reactivate"]);
    expect(await invoicesOf(billing.companyId)).toHaveLength(4);
  });

  it("REACTIVATE restarts an EXPIRED subscription with a new period and a full charge", async () => {
    const billing = await billingOrganization();
    await setSubscription(billing, { tier: "PRO", status: "EXPIRED" }, new Date(Date.now() - 40 * day));
    expect((await change(billing, { action: "UPGRADE", targetTier: "ENTERPRISE" })).userErrors.map((error) => error.code)).toEqual(["SUBSCRIPTION_ENDED"]);
    const payload = await change(billing, { action: "REACTIVATE", billingCycle: "YEARLY" });
    expect(payload.subscription).toMatchObject({ tier: "PRO", status: "ACTIVE", billingCycle: "YEARLY" });
    expect(payload.invoice).toMatchObject({ amountCents: 49_000, status: "PAID" });
    expect(new Date(payload.subscription!.currentPeriodEnd).getTime()).toBeGreaterThan(Date.now() + 364 * day);
  });

  it("DOWNGRADE below the company's member count says how many members to remove", async () => {
    const billing = await billingOrganization(4);
    await setSubscription(billing, { tier: "PRO" }, new Date());
    const payload = await change(billing, { action: "DOWNGRADE", targetTier: "FREE" });
    expect(payload.userErrors).toEqual([
      { field: ["input", "targetTier"], code: "SEATS_EXCEED_TIER", message: "FREE allows 3 members and the company has 5: remove 2 members first" },
    ]);
    expect((await subscriptionRow(billing.companyId)).pendingTier).toBeNull();
  });
});

describe("changeSubscription: refusals", () => {
  it("answers a distinct code for each path that does not apply, writing nothing", async () => {
    const billing = await billingOrganization();
    const onFree: [ChangeSubscriptionInput, string][] = [
      [{ action: "UPGRADE" }, "TARGET_TIER_REQUIRED"],
      [{ action: "UPGRADE", targetTier: "FREE" }, "UPGRADE_NOT_HIGHER"],
      [{ action: "DOWNGRADE", targetTier: "FREE" }, "DOWNGRADE_NOT_LOWER"],
      [{ action: "CANCEL" }, "NOTHING_TO_CANCEL"],
      [{ action: "REACTIVATE" }, "NOTHING_TO_REACTIVATE"],
    ];
    await setSubscription(billing, { tier: "PRO" }, new Date());
    const onPro: [ChangeSubscriptionInput, string][] = [
      [{ action: "UPGRADE", targetTier: "PRO" }, "UPGRADE_NOT_HIGHER"],
      [{ action: "UPGRADE", targetTier: "FREE" }, "UPGRADE_NOT_HIGHER"],
      [{ action: "DOWNGRADE", targetTier: "ENTERPRISE" }, "DOWNGRADE_NOT_LOWER"],
      [{ action: "DOWNGRADE", targetTier: "PRO" }, "DOWNGRADE_NOT_LOWER"],
      [{ action: "DOWNGRADE" }, "TARGET_TIER_REQUIRED"],
      [{ action: "REACTIVATE" }, "NOTHING_TO_REACTIVATE"],
    ];
    for (const [input, code] of onPro) {
      expect((await change(billing, input)).userErrors.map((error) => error.code), JSON.stringify(input)).toEqual([code]);
    }
    await setSubscription(billing, { tier: "FREE" }, new Date());
    for (const [input, code] of onFree) {
      expect((await change(billing, input)).userErrors.map((error) => error.code), JSON.stringify(input)).toEqual([code]);
    }
    expect(await invoicesOf(billing.companyId)).toEqual([]);
    expect(payments.calls).toBe(0);
  });

  it("is FORBIDDEN to every role without billing.manage", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Roles Co");
    const before = await subscriptionRow(companyId);
    for (const role of ["ADMIN", "MANAGER", "MEMBER", "VIEWER"] as const) {
      const result = await server.graphql(ChangeSubscriptionDocument, { companyId, input: { action: "UPGRADE", targetTier: "ENTERPRISE" } }, { token: members[role].tokens.accessToken });
      expect(result.errors?.map((error) => error.extensions?.code), role).toEqual(["FORBIDDEN"]);
      expect(result.data?.changeSubscription ?? null).toBeNull();
    }
    expect(await subscriptionRow(companyId)).toEqual(before);
    expect(await invoicesOf(companyId)).toEqual([]);
  });

  it("a declined payment changes nothing and answers PAYMENT_FAILED", async () => {
    const billing = await billingOrganization();
    const before = await subscriptionRow(billing.companyId);
    payments.declineAll();
    const payload = await change(billing, { action: "UPGRADE", targetTier: "PRO" });
    expect(payload.userErrors.map((error) => error.code)).toEqual(["PAYMENT_FAILED"]);
    expect(payload.subscription ?? null).toBeNull();
    expect(await subscriptionRow(billing.companyId)).toEqual(before);
    expect(await invoicesOf(billing.companyId)).toEqual([expect.objectContaining({ status: "DECLINED", amountCents: 4_900, failureReason: "card_declined" })]);
    expect(payments.charges).toEqual([]);
  });

  it("an unreachable provider changes nothing, answers PAYMENT_UNAVAILABLE, and the retry pays the same invoice", async () => {
    const billing = await billingOrganization();
    const before = await subscriptionRow(billing.companyId);
    payments.unavailableAll();
    const payload = await change(billing, { action: "UPGRADE", targetTier: "PRO" });
    expect(payload.userErrors.map((error) => error.code)).toEqual(["PAYMENT_UNAVAILABLE"]);
    expect(await subscriptionRow(billing.companyId)).toEqual(before);
    expect(await invoicesOf(billing.companyId)).toEqual([expect.objectContaining({ status: "PENDING" })]);

    payments.approveAll();
    const retried = await change(billing, { action: "UPGRADE", targetTier: "PRO" });
    expect(retried.subscription?.tier).toBe("PRO");
    expect(await invoicesOf(billing.companyId)).toEqual([expect.objectContaining({ id: retried.invoice!.id, status: "PAID" })]);
  });

  it("a timeout after the provider charged, then a retry, charges once", async () => {
    const billing = await billingOrganization();
    payments.loseAnswersAll();
    expect((await change(billing, { action: "UPGRADE", targetTier: "ENTERPRISE" })).userErrors.map((error) => error.code)).toEqual(["PAYMENT_UNAVAILABLE"]);
    const other = await change(billing, { action: "UPGRADE", targetTier: "PRO" });
    expect(other.userErrors.map((error) => error.code)).toEqual(["SUBSCRIPTION_CHANGE_IN_PROGRESS"]);

    payments.approveAll();
    const retried = await change(billing, { action: "UPGRADE", targetTier: "ENTERPRISE" });
    expect(retried.subscription?.tier).toBe("ENTERPRISE");
    expect(payments.charges.filter((charge) => charge.companyId === billing.companyId)).toHaveLength(1);
    expect((await invoicesOf(billing.companyId)).map((invoice) => invoice.status)).toEqual(["PAID"]);
  });

  it("a change claimed by another call is refused until that charge finishes", async () => {
    const billing = await billingOrganization();
    await prisma().invoice.create({ data: { companyId: billing.companyId, amountCents: 100, description: "in flight", status: "PENDING" } });
    expect((await change(billing, { action: "UPGRADE", targetTier: "PRO" })).userErrors.map((error) => error.code)).toEqual(["SUBSCRIPTION_CHANGE_IN_PROGRESS"]);
    // A claim older than SUBSCRIPTION_CLAIM_TIMEOUT_SECONDS was abandoned: it is voided and no longer blocks.
    await prisma().invoice.updateMany({ where: { companyId: billing.companyId }, data: { createdAt: new Date(Date.now() - 600_000) } });
    expect((await change(billing, { action: "UPGRADE", targetTier: "PRO" })).subscription?.tier).toBe("PRO");
    expect((await invoicesOf(billing.companyId)).map((invoice) => invoice.status)).toEqual(["VOID", "PAID"]);
  });
});

describe.runIf(process.env.DATABASE_URL)("concurrent upgrades on PostgreSQL", () => {
  it("charge once and write one invoice", async () => {
    const billing = await billingOrganization();
    payments.delayMs = 150;
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        server.graphql(ChangeSubscriptionDocument, { companyId: billing.companyId, input: { action: "UPGRADE", targetTier: "PRO" } }, { token: billing.tokens.accessToken }),
      ),
    );
    const codes = results.map((result) => result.data!.changeSubscription.userErrors.map((error) => error.code)[0] ?? "OK");
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(codes.filter((code) => code !== "OK").every((code) => code === "SUBSCRIPTION_CHANGE_IN_PROGRESS" || code === "UPGRADE_NOT_HIGHER")).toBe(true);
    expect(payments.charges).toHaveLength(1);
    expect(await invoicesOf(billing.companyId)).toEqual([expect.objectContaining({ status: "PAID", amountCents: 4_900 })]);
    expect((await subscriptionRow(billing.companyId)).version).toBe(1);
  });
});

describe("Company.subscription and the feature gate", () => {
  it("shows members the plan, seats and seats used; the invoice history needs billing.manage and a PRO plan", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Gate Co");
    const asViewer = await server.graphql(CompanySubscriptionDocument, { id: companyId }, { token: members.VIEWER.tokens.accessToken });
    expect(asViewer.data!.company!.subscription).toMatchObject({ tier: "PRO", seats: 25, seatsUsed: 5 });

    const viewerInvoices = await server.graphql(CompanyInvoicesDocument, { id: companyId }, { token: members.VIEWER.tokens.accessToken });
    expect(viewerInvoices.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);

    const ownerInvoices = await server.graphql(CompanyInvoicesDocument, { id: companyId }, { token: members.OWNER.tokens.accessToken });
    expect(ownerInvoices.errors).toBeUndefined();
    expect(ownerInvoices.data!.company!.subscription!.invoices).toEqual([]);

    const free = await billingOrganization();
    const onFree = await server.graphql(CompanyInvoicesDocument, { id: free.companyId }, { token: free.tokens.accessToken });
    expect(onFree.errors?.map((error) => [error.extensions?.code, error.extensions?.feature])).toEqual([["FEATURE_NOT_IN_PLAN", "advanced_analytics"]]);
    expect(onFree.data!.company!.subscription).toMatchObject({ tier: "FREE", invoices: null });

    await change(free, { action: "UPGRADE", targetTier: "PRO" });
    const afterUpgrade = await server.graphql(CompanyInvoicesDocument, { id: free.companyId }, { token: free.tokens.accessToken });
    expect(afterUpgrade.errors).toBeUndefined();
    expect(afterUpgrade.data!.company!.subscription!.invoices!.map((invoice) => invoice.amountCents)).toEqual([4_900]);
  });
});

describe("propagation", () => {
  it("refuses members' older tokens for the company after a change; their refresh carries the new tier", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Propagation Co");
    const owner: Billing = { companyId, tokens: members.OWNER.tokens };
    const tierOf = (accessToken: string) => decodePbClaims(decodeJwt(accessToken).pb_claims).subscriptionTier;
    expect(tierOf(members.MEMBER.tokens.accessToken)).toBe(ClaimTier.PRO);

    expect((await change(owner, { action: "UPGRADE", targetTier: "ENTERPRISE" })).userErrors).toEqual([]);
    const refused = await server.graphql(MeDocument, {}, { token: members.MEMBER.tokens.accessToken });
    expect(refused.status).toBe(401);

    const refreshed = await server.graphql(RefreshTokenDocument, { refreshToken: members.MEMBER.tokens.refreshToken });
    const tokens = refreshed.data!.refreshToken.tokens!;
    expect(tierOf(tokens.accessToken)).toBe(ClaimTier.ENTERPRISE);
    // Other subgraphs gate on the features without calling us.
    expect(decodePbClaims(decodeJwt(tokens.accessToken).pb_claims).features).toEqual(expect.arrayContaining(["white_label_options", "multi_user_management"]));
    expect(decodePbClaims(decodeJwt(members.MEMBER.tokens.accessToken).pb_claims).features).not.toContain("white_label_options");
    expect((await server.graphql(MeDocument, {}, { token: tokens.accessToken })).status).toBe(200);
    expect(tierOf(owner.tokens.accessToken)).toBe(ClaimTier.ENTERPRISE);
  });
});
