import type { Logger } from "../logger.js";
import type { PaymentProvider } from "./payment-provider.js";

/** Approves every charge and refund without moving money, logging one line each: for `npm start` and local work. */
export function createDevelopmentPaymentProvider(logger: Logger): PaymentProvider {
  const log = logger.child({ paymentProvider: "development" });
  return {
    name: "development",
    async charge(request) {
      log.info({ payment: { invoiceId: request.invoiceId, amountCents: request.amountCents, currency: request.currency } }, "development payment provider approved a charge (no money moved)");
      return { status: "approved", providerReference: `dev_${request.invoiceId}` };
    },
    async refund(request) {
      log.info({ payment: { invoiceId: request.invoiceId, amountCents: request.amountCents, currency: request.currency } }, "development payment provider approved a refund (no money moved)");
      return { status: "approved", providerReference: `dev_refund_${request.invoiceId}` };
    },
  };
}
