import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runSubscriptionRollover } from "../src/modules/subscriptions/rollover.js";
import { registerAccount } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { TestPaymentProvider } from "../src/platform/payments/test-payment-provider.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { createOrganization } from "./support/tenancy.js";

const payments = new TestPaymentProvider();
let database: TestDatabase;
let server: TestServer;
const day = 86_400_000;
const settings = { graceSeconds: 7 * 86_400, batchSize: 100 };
/** Every process on the shared database reads the same key store. */
const shared = { SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64") };

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(shared, { payments, sharedDatabase: database });
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

beforeEach(() => payments.reset());

const prisma = () => server.deps.database.prisma;

/** An organization whose subscription is in `state`, its period having ended a day before `at`. */
async function subscriptionEndedBefore(at: Date, state: Record<string, unknown>) {
  const owner = await registerAccount(server, { fullName: "Rollover Owner" });
  const companyId = await createOrganization(server, owner, "Rollover Co");
  const periodEnd = new Date(at.getTime() - day);
  await prisma().subscription.update({
    where: { companyId },
    data: { tier: "PRO", status: "ACTIVE", billingCycle: "MONTHLY", currentPeriodStart: new Date(periodEnd.getTime() - 30 * day), currentPeriodEnd: periodEnd, ...state },
  });
  return { companyId, periodEnd };
}

const subscriptionOf = (companyId: string) => prisma().subscription.findUniqueOrThrow({ where: { companyId } });
const invoicesOf = (companyId: string) => prisma().invoice.findMany({ where: { companyId }, orderBy: { createdAt: "asc" } });
const run = (at: Date) => runSubscriptionRollover(server.deps.services, settings, at);

describe("subscription rollover", () => {
  it("renews a paid period through the payment port: one charge, one paid invoice, the next period, an event", async () => {
    const at = new Date(Date.UTC(2027, 2, 15, 12));
    const { companyId, periodEnd } = await subscriptionEndedBefore(at, {});
    expect((await run(at)).renewed).toBeGreaterThanOrEqual(1);
    const renewed = await subscriptionOf(companyId);
    expect(renewed).toMatchObject({ tier: "PRO", status: "ACTIVE", currentPeriodStart: periodEnd });
    expect(renewed.currentPeriodEnd.toISOString()).toBe(new Date(Date.UTC(2027, 3, 14, 12)).toISOString());
    expect(await invoicesOf(companyId)).toEqual([expect.objectContaining({ amountCents: 4_900, status: "PAID", providerReference: expect.stringMatching(/^test_/) })]);
    expect(payments.charges.filter((charge) => charge.companyId === companyId)).toHaveLength(1);
    expect(await prisma().outboxEvent.count({ where: { companyId, topic: "subscription.changed" } })).toBe(1);
    expect(await prisma().auditEvent.count({ where: { companyId, action: "subscription.renewed" } })).toBe(1);
  });

  it("applies a pending cancellation and a pending downgrade at the period's end, charging only the lower paid plan", async () => {
    const at = new Date(Date.UTC(2027, 4, 10));
    const cancelled = await subscriptionEndedBefore(at, { cancelAtPeriodEnd: true });
    const downgraded = await subscriptionEndedBefore(at, { tier: "ENTERPRISE", pendingTier: "PRO" });
    await run(at);
    expect(await subscriptionOf(cancelled.companyId)).toMatchObject({ tier: "FREE", status: "ACTIVE", cancelAtPeriodEnd: false, pendingTier: null });
    expect(await invoicesOf(cancelled.companyId)).toEqual([]);
    expect(await subscriptionOf(downgraded.companyId)).toMatchObject({ tier: "PRO", pendingTier: null, status: "ACTIVE" });
    expect((await invoicesOf(downgraded.companyId)).map((invoice) => [invoice.amountCents, invoice.status])).toEqual([[4_900, "PAID"]]);
  });

  it("marks an unpaid renewal PAST_DUE, keeps retrying it, and expires it to FREE after the grace period", async () => {
    const at = new Date(Date.UTC(2027, 5, 1));
    const { companyId } = await subscriptionEndedBefore(at, {});
    payments.declineAll();
    await run(at);
    expect(await subscriptionOf(companyId)).toMatchObject({ tier: "PRO", status: "PAST_DUE" });
    await run(new Date(at.getTime() + 2 * day));
    expect(await subscriptionOf(companyId)).toMatchObject({ tier: "PRO", status: "PAST_DUE" });
    expect((await invoicesOf(companyId)).map((invoice) => invoice.status)).toEqual(["DECLINED", "DECLINED"]);
    await run(new Date(at.getTime() + 7 * day));
    expect(await subscriptionOf(companyId)).toMatchObject({ tier: "FREE", status: "EXPIRED" });
    expect(await prisma().auditEvent.count({ where: { companyId, action: { in: ["subscription.past_due", "subscription.expired"] } } })).toBe(2);
  });

  it("leaves the subscription due when the provider does not answer, and the next run charges the same invoice once", async () => {
    const at = new Date(Date.UTC(2027, 6, 1));
    const { companyId } = await subscriptionEndedBefore(at, {});
    payments.loseAnswersAll();
    await run(at);
    expect(await subscriptionOf(companyId)).toMatchObject({ status: "ACTIVE", tier: "PRO" });
    payments.approveAll();
    await run(at);
    expect((await invoicesOf(companyId)).map((invoice) => invoice.status)).toEqual(["PAID"]);
    expect(payments.charges.filter((charge) => charge.companyId === companyId)).toHaveLength(1);
    expect((await subscriptionOf(companyId)).currentPeriodEnd.getTime()).toBeGreaterThan(at.getTime());
  });

  it("applies a period's end once when two runs overlap", async () => {
    const at = new Date(Date.UTC(2027, 7, 1));
    const { companyId } = await subscriptionEndedBefore(at, {});
    payments.delayMs = 50;
    await Promise.all([run(at), run(at)]);
    await run(at);
    expect((await invoicesOf(companyId)).map((invoice) => invoice.status)).toEqual(["PAID"]);
    expect(payments.charges.filter((charge) => charge.companyId === companyId)).toHaveLength(1);
  });

  // Two replicas share one PostgreSQL; an embedded database belongs to one process.
  it.runIf(process.env.DATABASE_URL)("applies a period's end once when two replicas run it at once", async () => {
    const at = new Date(Date.UTC(2027, 8, 1));
    const { companyId } = await subscriptionEndedBefore(at, {});
    payments.delayMs = 50;
    const replica = await startTestServer(shared, { payments, sharedDatabase: database });
    try {
      await Promise.all([run(at), runSubscriptionRollover(replica.deps.services, settings, at)]);
    } finally {
      await replica.close();
    }
    expect((await invoicesOf(companyId)).map((invoice) => invoice.status)).toEqual(["PAID"]);
    expect(payments.charges.filter((charge) => charge.companyId === companyId)).toHaveLength(1);
    expect(payments.refunds).toEqual([]);
  });
});

// The embedded database belongs to the test server's process, so the command runs against PostgreSQL only.
it.runIf(process.env.DATABASE_URL)("npm run jobs:rollover runs it once by hand", { timeout: 120_000 }, async () => {
  const at = new Date();
  const { companyId } = await subscriptionEndedBefore(at, { tier: "PRO", cancelAtPeriodEnd: true });
  const env = { ...process.env, ...shared, DATABASE_URL: database.url, LOG_LEVEL: "silent" };
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/modules/subscriptions/rollover.cli.ts"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env,
  });
  expect(stdout).toMatch(/moved to FREE [1-9]/);
  expect(await subscriptionOf(companyId)).toMatchObject({ tier: "FREE" });
});
