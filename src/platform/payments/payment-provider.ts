/** One charge or refund, identified by the invoice it pays. */
export interface PaymentRequest {
  /** Idempotency key: the same invoice is never charged twice, however often the call is retried. */
  invoiceId: string;
  companyId: string;
  amountCents: number;
  currency: string;
  description: string;
}

/** The provider's answer: approved with its reference, or declined with its reason (no money moved). */
export type PaymentOutcome = { status: "approved"; providerReference: string } | { status: "declined"; reason: string };

/** Where charges go. Throws PaymentUnavailableError when the provider cannot be reached or keeps failing. */
export interface PaymentProvider {
  readonly name: string;
  charge(request: PaymentRequest): Promise<PaymentOutcome>;
  refund(request: PaymentRequest & { providerReference: string }): Promise<PaymentOutcome>;
}

/** The provider did not answer (timeout, network, 5xx after retries, or the circuit is open); nothing is known to be charged. */
export class PaymentUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaymentUnavailableError";
  }
}
