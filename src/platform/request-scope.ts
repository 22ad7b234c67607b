import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { withCorrelationId } from "./correlation.js";
import { tracer } from "./tracing/spans.js";

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * Runs every request's handler in its correlation scope (log lines written by any code on its behalf
 * carry `correlationId`) and, with `tracing`, in a server span continuing the caller's W3C `traceparent`.
 * The scope is entered once the body is parsed, just before the handler: Fastify parses it outside
 * any async context, and entering earlier would cost an async resource per request.
 */
export function scopeRequests(app: FastifyInstance, options: { tracing: boolean }): void {
  if (!options.tracing) {
    app.addHook("preHandler", (request, _reply, done) => withCorrelationId(request.id, done));
    return;
  }
  app.addHook("onRequest", (request, _reply, done) => {
    const caller = propagation.extract(context.active(), request.headers);
    const route = request.routeOptions.url;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: request.url.split("?", 1)[0],
          "correlation.id": request.id,
          ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
        },
      },
      caller,
    );
    spans.set(request, span);
    done();
  });
  app.addHook("preHandler", (request, _reply, done) => {
    const span = spans.get(request);
    const active = span ? trace.setSpan(context.active(), span) : context.active();
    context.with(active, () => withCorrelationId(request.id, done));
  });
  app.addHook("onResponse", async (request, reply) => endSpan(request, reply.statusCode));
  app.addHook("onRequestAbort", async (request) => endSpan(request, undefined));
}

function endSpan(request: FastifyRequest, statusCode: number | undefined): void {
  const span = spans.get(request);
  if (!span) return;
  spans.delete(request);
  if (statusCode === undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: "client aborted the request" });
  } else {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
