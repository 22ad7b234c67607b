import { PaymentUnavailableError, type PaymentOutcome, type PaymentProvider, type PaymentRequest } from "./payment-provider.js";

export type RefundRequest = PaymentRequest & { providerReference: string };

/**
 * An in-process provider for tests and demos: approves unless told to decline, records what it approved and
 * declined, and answers an invoice it has already answered with that same answer (declines included), as a
 * real provider does with a repeated idempotency key: a declined invoice stays declined, a new invoice is a new try.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = "test";
  /** Approved charges, one per invoice: the money that moved. */
  readonly charges: (PaymentRequest & { providerReference: string })[] = [];
  /** Approved refunds, one per invoice; `providerReference` is the refunded charge. */
  readonly refunds: (RefundRequest & { refundReference: string })[] = [];
  /** Charges and refunds it declined, each with its reason. */
  readonly declines: (PaymentRequest & { operation: "charge" | "refund"; reason: string })[] = [];

  /** Calls of charge, answered or not. */
  calls = 0;
  /** How long each charge takes, to let concurrent calls overlap. */
  delayMs = 0;

  private readonly answers = new Map<string, PaymentOutcome>();
  private readonly nextDeclines: string[] = [];
  private readonly nextUnavailable: string[] = [];
  private declineAllReason: string | undefined;
  private failure: "unreachable" | "answer_lost" | undefined;

  /** Declines the next new charge or refund (each call queues one more). */
  declineNext(reason = "card_declined"): void {
    this.nextDeclines.push(reason);
  }

  /** Declines every new charge and refund until approveAll. */
  declineAll(reason = "card_declined"): void {
    this.declineAllReason = reason;
  }

  /** Until approveAll, every new charge or refund throws PaymentUnavailableError, as when the provider is down. */
  unavailableAll(): void {
    this.failure = "unreachable";
  }

  /** Until approveAll, every new charge goes through but its answer is lost (a timeout after the provider charged). */
  loseAnswersAll(): void {
    this.failure = "answer_lost";
  }

  /** Approves from now on: clears declineAll, unavailableAll, loseAnswersAll and anything queued. */
  approveAll(): void {
    this.declineAllReason = undefined;
    this.failure = undefined;
    this.nextDeclines.length = 0;
    this.nextUnavailable.length = 0;
  }

  /** Approves from now on and forgets every charge, refund, decline and call. */
  reset(): void {
    this.approveAll();
    this.delayMs = 0;
    this.calls = 0;
    this.charges.length = 0;
    this.refunds.length = 0;
    this.declines.length = 0;
  }

  /** The next new charge or refund throws PaymentUnavailableError, as when the provider cannot be reached. */
  unavailableNext(message = "the test payment provider is unavailable"): void {
    this.nextUnavailable.push(message);
  }

  async charge(request: PaymentRequest): Promise<PaymentOutcome> {
    this.calls += 1;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.answerOnce(`charge:${request.invoiceId}`, () => {
      const reason = this.takeDecline();
      if (reason !== undefined) return this.decline("charge", request, reason);
      const providerReference = `test_${request.invoiceId}`;
      this.charges.push({ ...request, providerReference });
      return { status: "approved", providerReference };
    });
  }

  async refund(request: RefundRequest): Promise<PaymentOutcome> {
    return this.answerOnce(`refund:${request.invoiceId}`, () => {
      const charged = this.charges.some((charge) => charge.providerReference === request.providerReference);
      const reason = charged ? this.takeDecline() : `no charge ${request.providerReference} to refund`;
      if (reason !== undefined) return this.decline("refund", request, reason);
      const refundReference = `test_refund_${request.invoiceId}`;
      this.refunds.push({ ...request, refundReference });
      return { status: "approved", providerReference: refundReference };
    });
  }

  private answerOnce(key: string, decide: () => PaymentOutcome): PaymentOutcome {
    const earlier = this.answers.get(key);
    if (earlier) return earlier;
    const unavailable = this.nextUnavailable.shift() ?? (this.failure === "unreachable" ? "connection refused" : undefined);
    if (unavailable !== undefined) throw new PaymentUnavailableError(unavailable);
    const outcome = decide();
    this.answers.set(key, outcome);
    if (this.failure === "answer_lost") throw new PaymentUnavailableError("timed out after the provider answered");
    return outcome;
  }

  private takeDecline(): string | undefined {
    return this.declineAllReason ?? this.nextDeclines.shift();
  }

  private decline(operation: "charge" | "refund", request: PaymentRequest, reason: string): PaymentOutcome {
    this.declines.push({ ...request, operation, reason });
    return { status: "declined", reason };
  }
}
