import type { Logger } from "../logger.js";
import { createDevelopmentPaymentProvider } from "./development-payment-provider.js";
import { createHttpPaymentProvider } from "./http-payment-provider.js";
import type { PaymentProvider } from "./payment-provider.js";
import { TestPaymentProvider } from "./test-payment-provider.js";

/** `config.payments`: which provider takes charges, and how the HTTP one reaches its API. */
export interface PaymentSettings {
  provider: "development" | "http" | "test";
  /** Required (by config) when `provider` is "http". */
  apiUrl: string | undefined;
  apiKey: string | undefined;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  circuitFailures: number;
  circuitCooldownMs: number;
  /** ISO 4217 code invoices are billed in. */
  currency: string;
}

/** The provider `settings.provider` names: the HTTP API, the approving development one, or the switchable test one. */
export function createPaymentProvider(settings: PaymentSettings, logger: Logger): PaymentProvider {
  switch (settings.provider) {
    case "development":
      return createDevelopmentPaymentProvider(logger);
    case "test":
      return new TestPaymentProvider();
    case "http":
      if (!settings.apiUrl || !settings.apiKey) throw new Error("The http payment provider needs PAYMENT_API_URL and PAYMENT_API_KEY");
      return createHttpPaymentProvider({
        baseUrl: settings.apiUrl,
        secret: settings.apiKey,
        timeoutMs: settings.timeoutMs,
        maxAttempts: settings.maxAttempts,
        retryBaseMs: settings.retryBaseMs,
        circuitFailures: settings.circuitFailures,
        circuitCooldownMs: settings.circuitCooldownMs,
        logger,
      });
  }
}
