import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/platform/logger.js";
import { createPaymentProvider } from "../src/platform/payments/create-payment-provider.js";
import { createDevelopmentPaymentProvider } from "../src/platform/payments/development-payment-provider.js";
import { createHttpPaymentProvider, type HttpPaymentProviderOptions } from "../src/platform/payments/http-payment-provider.js";
import { PaymentUnavailableError, type PaymentRequest } from "../src/platform/payments/payment-provider.js";
import { TestPaymentProvider } from "../src/platform/payments/test-payment-provider.js";
import { startPaymentProviderServer, type PaymentProviderServer } from "./support/payment-provider-server.js";

const secret = "sk_test_4f9c2a7e1b-never-in-logs";
const description = "PRO plan, 3 seats, December 2026 (private-description-8d1e)";

function capturedLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "trace", destination: { write: (line: string) => void lines.push(line) } }) };
}

function invoice(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
  return { invoiceId: `inv_${randomUUID()}`, companyId: `company_${randomUUID()}`, amountCents: 4900, currency: "USD", description, ...overrides };
}

let api: PaymentProviderServer;
let log: ReturnType<typeof capturedLogger>;

function httpProvider(overrides: Partial<HttpPaymentProviderOptions> = {}) {
  return createHttpPaymentProvider({
    baseUrl: api.url,
    secret,
    timeoutMs: 300,
    maxAttempts: 3,
    retryBaseMs: 40,
    circuitFailures: 3,
    circuitCooldownMs: 200,
    logger: log.logger,
    ...overrides,
  });
}

beforeEach(async () => {
  api = await startPaymentProviderServer({ secret });
  log = capturedLogger();
});

afterEach(async () => {
  await api.close();
});

describe("HTTP payment provider", () => {
  it("charges with the bearer secret, the invoice as Idempotency-Key and a JSON body", async () => {
    const request = invoice();
    const outcome = await httpProvider().charge(request);

    expect(outcome).toEqual({ status: "approved", providerReference: "ch_1" });
    expect(api.charges).toEqual([{ id: "ch_1", idempotencyKey: request.invoiceId, amount: 4900, currency: "USD" }]);
    expect(api.requests).toHaveLength(1);
    const [received] = api.requests;
    expect(received).toMatchObject({ method: "POST", path: "/v1/charges", authorization: `Bearer ${secret}`, idempotencyKey: request.invoiceId });
    expect(received?.headers["content-type"]).toBe("application/json");
    expect(received?.body).toEqual({
      amount: 4900,
      currency: "USD",
      description,
      metadata: { invoiceId: request.invoiceId, companyId: request.companyId },
    });
  });

  it("accepts a base URL with a trailing slash", async () => {
    const outcome = await httpProvider({ baseUrl: `${api.url}/` }).charge(invoice());
    expect(outcome.status).toBe("approved");
    expect(api.requests.map((request) => request.path)).toEqual(["/v1/charges"]);
  });

  it("answers a 402 card_declined as declined with the provider's reason, without retrying", async () => {
    api.declineNext({ message: "Your card has insufficient funds." });
    const outcome = await httpProvider().charge(invoice());

    expect(outcome).toEqual({ status: "declined", reason: "Your card has insufficient funds." });
    expect(api.requests).toHaveLength(1);
    expect(api.charges).toHaveLength(0);
  });

  it("answers a 200 with status declined as declined", async () => {
    api.declineNext({ message: "Do not honor", httpStatus: 200 });
    expect(await httpProvider().charge(invoice())).toEqual({ status: "declined", reason: "Do not honor" });
    expect(api.requests).toHaveLength(1);
  });

  it("retries 500s with growing back-off under the same key, and charges once", async () => {
    api.failNext(2, 500);
    const request = invoice();
    const outcome = await httpProvider().charge(request);

    expect(outcome).toEqual({ status: "approved", providerReference: "ch_1" });
    expect(api.requests.map((received) => received.idempotencyKey)).toEqual([request.invoiceId, request.invoiceId, request.invoiceId]);
    expect(api.charges).toHaveLength(1);
    const [first, second, third] = api.requests.map((received) => received.receivedAtMs) as [number, number, number];
    // Equal jitter: the first pause is 20–40 ms, the second 40–80 ms (a millisecond of timer rounding allowed).
    expect(second - first).toBeGreaterThanOrEqual(19);
    expect(third - second).toBeGreaterThanOrEqual(39);
  });

  it("gives up after the last attempt with PaymentUnavailableError and no charge", async () => {
    api.failNext(3, 503);
    const charging = httpProvider().charge(invoice());

    await expect(charging).rejects.toBeInstanceOf(PaymentUnavailableError);
    await expect(charging).rejects.toThrow(/HTTP 503/);
    expect(api.requests).toHaveLength(3);
    expect(api.charges).toHaveLength(0);
  });

  it("waits as long as a 429's Retry-After asks before retrying", async () => {
    api.rateLimitNext(1);
    const outcome = await httpProvider({ timeoutMs: 1500, retryBaseMs: 10 }).charge(invoice());

    expect(outcome.status).toBe("approved");
    const [first, second] = api.requests.map((received) => received.receivedAtMs) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(990);
    expect(api.charges).toHaveLength(1);
  });

  it("does not retry when Retry-After asks for longer than the timeout", async () => {
    api.rateLimitNext(30);
    await expect(httpProvider().charge(invoice())).rejects.toThrow(/HTTP 429, asked to retry after 30000 ms/);
    expect(api.requests).toHaveLength(1);
  });

  it("after a timeout, retries under the same key: the provider saw two attempts and charged once", async () => {
    api.hangNext(1500);
    const request = invoice();
    const outcome = await httpProvider({ timeoutMs: 150 }).charge(request);

    expect(api.requests).toHaveLength(2);
    expect(api.requests.map((received) => received.idempotencyKey)).toEqual([request.invoiceId, request.invoiceId]);
    expect(api.requests[1]?.body).toEqual(api.requests[0]?.body);
    expect(api.charges).toEqual([{ id: "ch_1", idempotencyKey: request.invoiceId, amount: 4900, currency: "USD" }]);
    expect(outcome).toEqual({ status: "approved", providerReference: "ch_1" });
  });

  it("answers PaymentUnavailableError when every attempt times out", async () => {
    api.hangNext(1500);
    api.hangNext(1500);
    const charging = httpProvider({ timeoutMs: 100, maxAttempts: 2 }).charge(invoice());
    await expect(charging).rejects.toBeInstanceOf(PaymentUnavailableError);
    await expect(charging).rejects.toThrow(/no answer within 100 ms/);
    expect(api.requests).toHaveLength(2);
    // The classic case: the caller saw no answer, yet the provider charged (once); the same invoice retried later learns it.
    expect(api.charges).toHaveLength(1);
  });

  it("answers PaymentUnavailableError when nothing listens", async () => {
    const provider = httpProvider({ maxAttempts: 2, retryBaseMs: 5 });
    await api.close();
    await expect(provider.charge(invoice())).rejects.toThrow(/network error \(ECONNREFUSED\)/);
  });

  it("does not retry a refusal such as a wrong secret", async () => {
    await expect(httpProvider({ secret: "sk_test_wrong" }).charge(invoice())).rejects.toThrow(/HTTP 401 invalid_api_key/);
    expect(api.requests).toHaveLength(1);
  });

  it("opens the circuit after consecutive failed calls, then lets one trial through after the cool-down", async () => {
    const provider = httpProvider({ maxAttempts: 1, circuitFailures: 2, circuitCooldownMs: 200 });
    api.failNext(2, 500);
    await expect(provider.charge(invoice())).rejects.toThrow(/HTTP 500/);
    await expect(provider.charge(invoice())).rejects.toThrow(/HTTP 500/);
    expect(api.requests).toHaveLength(2);

    await expect(provider.charge(invoice())).rejects.toThrow(/circuit open/);
    await expect(provider.refund({ ...invoice(), providerReference: "ch_1" })).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(api.requests).toHaveLength(2);
    expect(log.lines.join("")).toContain("payment provider unavailable, circuit opened");

    await sleep(250);
    api.failNext(1, 500);
    await expect(provider.charge(invoice())).rejects.toThrow(/HTTP 500/);
    expect(api.requests).toHaveLength(3);
    await expect(provider.charge(invoice())).rejects.toThrow(/circuit open/);
    expect(api.requests).toHaveLength(3);

    await sleep(250);
    const trial = provider.charge(invoice());
    const duringTrial = provider.charge(invoice());
    await expect(duringTrial).rejects.toThrow(/circuit open/);
    expect((await trial).status).toBe("approved");
    expect((await provider.charge(invoice())).status).toBe("approved");
    expect(api.requests).toHaveLength(5);
    expect(api.charges).toHaveLength(2);
  });

  it("counts a declined charge as an answer, not a failure of the provider", async () => {
    const provider = httpProvider({ maxAttempts: 1, circuitFailures: 2 });
    for (let index = 0; index < 3; index += 1) api.declineNext();
    for (let index = 0; index < 3; index += 1) expect((await provider.charge(invoice())).status).toBe("declined");
    expect((await provider.charge(invoice())).status).toBe("approved");
    expect(api.requests).toHaveLength(4);
  });

  it("refunds a charge under refund-<invoiceId>, once however often it is asked", async () => {
    const provider = httpProvider();
    const request = invoice();
    const charged = await provider.charge(request);
    if (charged.status !== "approved") throw new Error("the charge was not approved");

    const refund = { ...request, providerReference: charged.providerReference };
    expect(await provider.refund(refund)).toEqual({ status: "approved", providerReference: "re_1" });
    expect(await provider.refund(refund)).toEqual({ status: "approved", providerReference: "re_1" });

    const refundRequests = api.requests.filter((received) => received.path === "/v1/refunds");
    expect(refundRequests).toHaveLength(2);
    expect(refundRequests[0]).toMatchObject({ authorization: `Bearer ${secret}`, idempotencyKey: `refund-${request.invoiceId}` });
    expect(refundRequests[0]?.body).toEqual({
      charge: "ch_1",
      amount: 4900,
      currency: "USD",
      description,
      metadata: { invoiceId: request.invoiceId, companyId: request.companyId },
    });
    expect(api.refunds).toEqual([{ id: "re_1", idempotencyKey: `refund-${request.invoiceId}`, amount: 4900, currency: "USD", charge: "ch_1" }]);
  });

  it("never logs the secret or the request body, whatever happens", async () => {
    const provider = httpProvider({ maxAttempts: 2, circuitFailures: 2, timeoutMs: 100, retryBaseMs: 5 });
    const errors: string[] = [];
    const record = (error: unknown) => void errors.push(String(error), JSON.stringify(error));
    const charged = await provider.charge(invoice());
    if (charged.status === "approved") await provider.refund({ ...invoice(), providerReference: charged.providerReference });
    api.declineNext();
    await provider.charge(invoice());
    api.failNext(1, 500);
    await provider.charge(invoice());
    api.hangNext(1000);
    await provider.charge(invoice());
    api.failNext(4, 500);
    await provider.charge(invoice()).catch(record);
    await provider.charge(invoice()).catch(record);
    await provider.charge(invoice()).catch(record);
    await httpProvider({ secret: `${secret}-wrong` }).charge(invoice()).catch(record);

    expect(log.lines.length).toBeGreaterThan(5);
    expect(errors.length).toBeGreaterThan(0);
    for (const written of [log.lines.join(""), errors.join("")]) {
      expect(written).not.toContain(secret);
      expect(written).not.toContain("sk_test");
      expect(written).not.toContain("private-description-8d1e");
    }
  });
});

describe("test payment provider", () => {
  it("approves by default and records each charge once per invoice", async () => {
    const provider = new TestPaymentProvider();
    const request = invoice();
    expect(await provider.charge(request)).toEqual({ status: "approved", providerReference: `test_${request.invoiceId}` });
    expect(await provider.charge(request)).toEqual({ status: "approved", providerReference: `test_${request.invoiceId}` });
    expect(provider.charges).toEqual([{ ...request, providerReference: `test_${request.invoiceId}` }]);
  });

  it("declines the next charge only, with declineNext", async () => {
    const provider = new TestPaymentProvider();
    provider.declineNext("insufficient_funds");
    const declined = invoice();
    expect(await provider.charge(declined)).toEqual({ status: "declined", reason: "insufficient_funds" });
    expect((await provider.charge(invoice())).status).toBe("approved");
    // The same invoice gets its first answer again, as a provider replays an idempotency key.
    expect(await provider.charge(declined)).toEqual({ status: "declined", reason: "insufficient_funds" });
    expect(provider.declines).toEqual([{ ...declined, operation: "charge", reason: "insufficient_funds" }]);
    expect(provider.charges).toHaveLength(1);
  });

  it("declines everything with declineAll until approveAll", async () => {
    const provider = new TestPaymentProvider();
    provider.declineAll();
    expect(await provider.charge(invoice())).toEqual({ status: "declined", reason: "card_declined" });
    expect(await provider.charge(invoice())).toEqual({ status: "declined", reason: "card_declined" });
    provider.declineNext();
    provider.approveAll();
    expect((await provider.charge(invoice())).status).toBe("approved");
    expect(provider.charges).toHaveLength(1);
    expect(provider.declines).toHaveLength(2);
  });

  it("throws PaymentUnavailableError once with unavailableNext, charging nothing", async () => {
    const provider = new TestPaymentProvider();
    provider.unavailableNext();
    const request = invoice();
    await expect(provider.charge(request)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(provider.charges).toHaveLength(0);
    expect((await provider.charge(request)).status).toBe("approved");
  });

  it("refunds charges it made, once per invoice, and declines unknown ones", async () => {
    const provider = new TestPaymentProvider();
    const request = invoice();
    const charged = await provider.charge(request);
    if (charged.status !== "approved") throw new Error("the charge was not approved");
    const refund = { ...request, providerReference: charged.providerReference };
    expect(await provider.refund(refund)).toEqual({ status: "approved", providerReference: `test_refund_${request.invoiceId}` });
    expect(await provider.refund(refund)).toEqual({ status: "approved", providerReference: `test_refund_${request.invoiceId}` });
    expect(provider.refunds).toHaveLength(1);
    expect(await provider.refund({ ...invoice(), providerReference: "test_unknown" })).toEqual({ status: "declined", reason: "no charge test_unknown to refund" });
  });
});

describe("development payment provider", () => {
  it("approves every charge as dev_<invoiceId> and logs one info line with amount, currency and invoice", async () => {
    const provider = createDevelopmentPaymentProvider(log.logger);
    const request = invoice({ amountCents: 12_345, currency: "EUR" });
    expect(await provider.charge(request)).toEqual({ status: "approved", providerReference: `dev_${request.invoiceId}` });
    expect(log.lines).toHaveLength(1);
    const line = JSON.parse(log.lines[0]!) as { level: number; payment: unknown };
    expect(line.level).toBe(30);
    expect(line.payment).toEqual({ invoiceId: request.invoiceId, amountCents: 12_345, currency: "EUR" });
    expect(log.lines[0]).not.toContain("private-description-8d1e");
  });
});

describe("createPaymentProvider", () => {
  it("picks the provider config names, the development one by default", async () => {
    expect(createPaymentProvider(loadConfig({}).payments, log.logger).name).toBe("development");
    expect(createPaymentProvider(loadConfig({ PAYMENT_PROVIDER: "test" }).payments, log.logger)).toBeInstanceOf(TestPaymentProvider);

    const config = loadConfig({ PAYMENT_PROVIDER: "http", PAYMENT_API_URL: api.url, PAYMENT_API_KEY: secret, PAYMENT_TIMEOUT_MS: "500" });
    const provider = createPaymentProvider(config.payments, log.logger);
    expect(provider.name).toBe("http");
    expect((await provider.charge(invoice({ currency: config.payments.currency }))).status).toBe("approved");
    expect(api.requests[0]?.authorization).toBe(`Bearer ${secret}`);
  });
});
