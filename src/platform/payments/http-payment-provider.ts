import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { PaymentUnavailableError, type PaymentOutcome, type PaymentProvider, type PaymentRequest } from "./payment-provider.js";

export interface HttpPaymentProviderOptions {
  /** The provider's API root, e.g. https://api.payments.example; requests go to <baseUrl>/v1/charges and /v1/refunds. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <secret>`, never logged. */
  secret: string;
  /** Per attempt, answer body included. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Back-off before the second attempt; it doubles for each further one (with jitter). */
  retryBaseMs: number;
  /** Consecutive failed calls that open the circuit. */
  circuitFailures: number;
  circuitCooldownMs: number;
  logger: Logger;
}

/** The part of the provider's JSON answer we read. */
interface ProviderAnswer {
  id?: unknown;
  status?: unknown;
  failure_message?: unknown;
  error?: { code?: unknown; message?: unknown };
}

/** What one HTTP attempt came to: the provider's verdict, a failure worth retrying, or a refusal retrying will not change. */
type AttemptResult =
  | { kind: "outcome"; outcome: PaymentOutcome }
  | { kind: "retryable"; problem: string; retryAfterMs?: number }
  | { kind: "refused"; problem: string };

/**
 * A Stripe-like JSON API: `POST /v1/charges` and `POST /v1/refunds` with a bearer secret and an Idempotency-Key per
 * invoice, so a retried call (after a timeout that may have charged) is answered with the first charge, not a second.
 */
export function createHttpPaymentProvider(options: HttpPaymentProviderOptions): PaymentProvider {
  const breaker = new CircuitBreaker({ failureThreshold: options.circuitFailures, cooldownMs: options.circuitCooldownMs });
  const log = options.logger.child({ paymentProvider: "http" });
  const root = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
  const urls = { charge: new URL("v1/charges", root), refund: new URL("v1/refunds", root) };

  async function send(operation: "charge" | "refund", idempotencyKey: string, request: PaymentRequest, body: object): Promise<PaymentOutcome> {
    const subject = { operation, invoiceId: request.invoiceId };
    if (!breaker.tryAcquire()) throw new PaymentUnavailableError(`The payment provider is failing (circuit open); the ${operation} of invoice ${request.invoiceId} was not attempted`);
    const json = JSON.stringify(body);
    let problem = "";
    for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
      const result = await attemptOnce(urls[operation], idempotencyKey, json);
      if (result.kind === "outcome") {
        breaker.recordSuccess();
        const { outcome } = result;
        log.info({ payment: { ...subject, amountCents: request.amountCents, currency: request.currency, attempt, ...outcome } }, `payment ${operation} ${outcome.status}`);
        return outcome;
      }
      problem = result.problem;
      if (result.kind === "refused" || attempt === options.maxAttempts) break;
      const delayMs = Math.max(result.retryAfterMs ?? 0, backoffMs(options.retryBaseMs, attempt));
      // The caller is a person waiting on a mutation: a provider asking for a longer pause gets no retry.
      if (delayMs > options.timeoutMs) {
        problem = `${problem}, asked to retry after ${delayMs} ms`;
        break;
      }
      log.warn({ payment: { ...subject, attempt, problem, retryInMs: delayMs } }, "payment provider attempt failed, retrying");
      await sleep(delayMs);
    }
    const circuitOpen = breaker.recordFailure();
    log.error({ payment: { ...subject, problem, circuitOpen } }, circuitOpen ? "payment provider unavailable, circuit opened" : "payment provider unavailable");
    throw new PaymentUnavailableError(`The payment provider did not complete the ${operation} of invoice ${request.invoiceId}: ${problem}`);
  }

  async function attemptOnce(url: URL, idempotencyKey: string, json: string): Promise<AttemptResult> {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${options.secret}`,
          "Idempotency-Key": idempotencyKey,
          "Content-Type": "application/json",
          Accept: "application/json",
        },
        body: json,
        // A followed redirect would send the secret and the body somewhere else.
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const answer = parseAnswer(await response.text());
      return resultOf(response.status, answer, response.headers.get("retry-after"));
    } catch (error) {
      return { kind: "retryable", problem: describeFailure(error, options.timeoutMs) };
    }
  }

  return {
    name: "http",
    charge: (request) => send("charge", request.invoiceId, request, requestBody(request)),
    refund: (request) => send("refund", `refund-${request.invoiceId}`, request, { charge: request.providerReference, ...requestBody(request) }),
  };
}

function requestBody(request: PaymentRequest) {
  return {
    amount: request.amountCents,
    currency: request.currency,
    description: request.description,
    metadata: { invoiceId: request.invoiceId, companyId: request.companyId },
  };
}

function resultOf(status: number, answer: ProviderAnswer | undefined, retryAfter: string | null): AttemptResult {
  const declineReason = text(answer?.error?.message) ?? text(answer?.failure_message) ?? text(answer?.error?.code) ?? "declined by the payment provider";
  if (status === 402 || answer?.error?.code === "card_declined") return declined(declineReason);
  if (status >= 200 && status < 300) {
    const providerReference = text(answer?.id);
    if (answer?.status === "succeeded" && providerReference) return { kind: "outcome", outcome: { status: "approved", providerReference } };
    if (answer?.status === "declined" || answer?.status === "failed") return declined(declineReason);
    return { kind: "refused", problem: `unexpected answer (HTTP ${status}, status ${JSON.stringify(answer?.status ?? null)})` };
  }
  // 409: Stripe's answer while a request with the same idempotency key is still being processed.
  if (status === 409 || status === 429 || status >= 500) return { kind: "retryable", problem: `HTTP ${status}`, retryAfterMs: retryAfterMs(retryAfter) };
  return { kind: "refused", problem: `HTTP ${status}${text(answer?.error?.code) ? ` ${text(answer?.error?.code)}` : ""}` };
}

function declined(reason: string): AttemptResult {
  return { kind: "outcome", outcome: { status: "declined", reason } };
}

function parseAnswer(body: string): ProviderAnswer | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null ? (parsed as ProviderAnswer) : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential back-off with "equal jitter": between half and all of base × 2^(attempt-1), so replicas do not retry in step. */
function backoffMs(baseMs: number, attempt: number): number {
  const ceiling = baseMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** A failed fetch in a few words: the timeout's DOMException, or undici's "fetch failed" with the socket error as cause. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = error as { name?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  if (failure?.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const detail = typeof failure?.cause?.code === "string" ? failure.cause.code : String(failure?.message ?? error);
  return `network error (${detail})`;
}
