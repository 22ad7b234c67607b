import { PaymentUnavailableError, type PaymentOutcome, type PaymentProvider, type PaymentRequest } from "../../src/platform/payments/payment-provider.js";

/** `answer_lost`: the charge goes through but its answer never arrives (a timeout after the provider charged). */
export type PaymentMode = "approve" | "decline" | "unavailable" | "answer_lost";

/**
 * A payment provider for tests: approves, declines or is unavailable as `mode` says, keeps every charge it
 * approved, and honours the invoice id as idempotency key (a retried invoice is answered as before, charged once).
 */
export function createRecordingPaymentProvider() {
  const outcomes = new Map<string, PaymentOutcome>();
  const provider = {
    name: "recording",
    mode: "approve" as PaymentMode,
    /** How long each charge takes, to let concurrent calls overlap. */
    delayMs: 0,
    charges: [] as PaymentRequest[],
    refunds: [] as PaymentRequest[],
    calls: 0,
    async charge(request: PaymentRequest): Promise<PaymentOutcome> {
      provider.calls += 1;
      if (provider.delayMs) await new Promise((resolve) => setTimeout(resolve, provider.delayMs));
      const known = outcomes.get(request.invoiceId);
      if (known) return known;
      if (provider.mode === "unavailable") throw new PaymentUnavailableError("connection refused");
      const outcome: PaymentOutcome =
        provider.mode === "decline" ? { status: "declined", reason: "card_declined" } : { status: "approved", providerReference: `ch_${provider.charges.length + 1}` };
      outcomes.set(request.invoiceId, outcome);
      if (outcome.status === "approved") provider.charges.push(request);
      if (provider.mode === "answer_lost") throw new PaymentUnavailableError("timed out after 5000 ms");
      return outcome;
    },
    async refund(request: PaymentRequest & { providerReference: string }): Promise<PaymentOutcome> {
      provider.refunds.push(request);
      return { status: "approved", providerReference: `re_${provider.refunds.length}` };
    },
    reset() {
      provider.mode = "approve";
      provider.delayMs = 0;
      provider.charges.length = 0;
      provider.refunds.length = 0;
      provider.calls = 0;
    },
  } satisfies PaymentProvider & Record<string, unknown>;
  return provider;
}

export type RecordingPaymentProvider = ReturnType<typeof createRecordingPaymentProvider>;
