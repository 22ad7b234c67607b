import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";

/** One request as the fake API received it. */
export interface ReceivedPaymentRequest {
  method: string;
  path: string;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  /** The JSON body, parsed (undefined when it was not JSON). */
  body: unknown;
  receivedAtMs: number;
}

/** Money the fake API moved: one entry per charge or refund it actually made (a replayed key makes none). */
export interface MadePayment {
  id: string;
  idempotencyKey: string;
  amount: number;
  currency: string;
  /** For refunds: the refunded charge. */
  charge?: string;
}

/**
 * A Stripe-like payment API on a free loopback port: `POST /v1/charges` and `POST /v1/refunds` with a bearer secret.
 * It records every request, and keeps the first answer per Idempotency-Key (the same key with the same body gets
 * that answer again and moves no money; with another body a 400). The `…Next` switches script the coming requests.
 */
export interface PaymentProviderServer {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: ReceivedPaymentRequest[];
  charges: MadePayment[];
  refunds: MadePayment[];
  /** The next new charge or refund is declined: HTTP 402 with a card_declined error, or HTTP 200 with `status: "declined"`. */
  declineNext(options?: { message?: string; httpStatus?: 402 | 200 }): void;
  /** The next `times` requests answer `status` (default 500) before anything is processed. */
  failNext(times: number, status?: number): void;
  /** The next request answers 429 with `Retry-After: <seconds>` before anything is processed. */
  rateLimitNext(retryAfterSeconds: number): void;
  /** The next charge or refund is made (or replayed) at once but answered only after `delayMs`: the "timed out, yet charged" case. */
  hangNext(delayMs: number): void;
  close(): Promise<void>;
}

type ScriptedFailure = { status: number; retryAfterSeconds?: number };
type StoredAnswer = { body: string; status: number; answer: unknown };

export async function startPaymentProviderServer(options: { secret: string }): Promise<PaymentProviderServer> {
  const requests: ReceivedPaymentRequest[] = [];
  const charges: MadePayment[] = [];
  const refunds: MadePayment[] = [];
  const failures: ScriptedFailure[] = [];
  const declines: { message: string; httpStatus: 402 | 200 }[] = [];
  const hangs: number[] = [];
  const answersByKey = new Map<string, StoredAnswer>();
  const pendingAnswers = new Set<NodeJS.Timeout>();

  function send(response: ServerResponse, status: number, answer: unknown, headers: Record<string, string> = {}) {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(answer));
  }

  /** Makes the charge or refund (or declines it) and returns the answer to keep under its key. */
  function makePayment(path: string, idempotencyKey: string, body: Record<string, unknown>): { status: number; answer: unknown } {
    const decline = declines.shift();
    if (decline?.httpStatus === 402) return { status: 402, answer: { error: { type: "card_error", code: "card_declined", message: decline.message } } };
    if (decline) return { status: 200, answer: { id: `ch_declined_${requests.length}`, object: "charge", status: "declined", failure_message: decline.message } };
    const amount = Number(body.amount);
    const currency = String(body.currency);
    if (path === "/v1/charges") {
      const charge = { id: `ch_${charges.length + 1}`, idempotencyKey, amount, currency };
      charges.push(charge);
      return { status: 200, answer: { id: charge.id, object: "charge", status: "succeeded", amount, currency } };
    }
    if (!charges.some((charge) => charge.id === body.charge)) {
      return { status: 404, answer: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such charge: ${String(body.charge)}` } } };
    }
    const refund = { id: `re_${refunds.length + 1}`, idempotencyKey, amount, currency, charge: String(body.charge) };
    refunds.push(refund);
    return { status: 200, answer: { id: refund.id, object: "refund", status: "succeeded", amount, currency, charge: refund.charge } };
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      const idempotencyKey = request.headers["idempotency-key"] as string | undefined;
      requests.push({ method: request.method ?? "", path, headers: request.headers, idempotencyKey, authorization: request.headers.authorization, body, receivedAtMs: Date.now() });

      if (request.method !== "POST" || (path !== "/v1/charges" && path !== "/v1/refunds")) return send(response, 404, { error: { type: "invalid_request_error", code: "unknown_path" } });
      if (request.headers.authorization !== `Bearer ${options.secret}`) return send(response, 401, { error: { type: "authentication_error", code: "invalid_api_key" } });
      const failure = failures.shift();
      if (failure) {
        const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { "retry-after": String(failure.retryAfterSeconds) };
        return send(response, failure.status, { error: { type: "api_error", message: "scripted failure" } }, headers);
      }
      if (!idempotencyKey || typeof body !== "object" || body === null) return send(response, 400, { error: { type: "invalid_request_error", code: "parameter_missing" } });

      const earlier = answersByKey.get(idempotencyKey);
      if (earlier && earlier.body !== text) return send(response, 400, { error: { type: "idempotency_error", message: "Keys are for one request body only" } });
      const replayed = earlier !== undefined;
      const stored = earlier ?? { body: text, ...makePayment(path, idempotencyKey, body as Record<string, unknown>) };
      answersByKey.set(idempotencyKey, stored);
      const headers: Record<string, string> = replayed ? { "idempotent-replayed": "true" } : {};
      const hangMs = hangs.shift();
      if (hangMs === undefined) return send(response, stored.status, stored.answer, headers);
      const timer = setTimeout(() => {
        pendingAnswers.delete(timer);
        // The client has usually given up by now; an answer to a closed socket is simply lost.
        if (!response.destroyed) send(response, stored.status, stored.answer, headers);
      }, hangMs);
      pendingAnswers.add(timer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the payment provider server did not report its port");

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    charges,
    refunds,
    declineNext: ({ message = "Your card was declined.", httpStatus = 402 } = {}) => void declines.push({ message, httpStatus }),
    failNext: (times, status = 500) => {
      for (let index = 0; index < times; index += 1) failures.push({ status });
    },
    rateLimitNext: (retryAfterSeconds) => void failures.push({ status: 429, retryAfterSeconds }),
    hangNext: (delayMs) => void hangs.push(delayMs),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pendingAnswers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
