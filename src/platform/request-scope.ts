import { AsyncResource } from "node:async_hooks";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { withCorrelationId } from "./correlation.js";
import { tracer } from "./tracing/spans.js";

interface RequestScope {
  /** The request's async context: its correlation id and, with tracing, its span. */
  resource: AsyncResource;
  span?: Span;
}

const scopes = new WeakMap<FastifyRequest, RequestScope>();

/**
 * Runs every request in its correlation scope (log lines written by any code on its behalf carry
 * `correlationId`) and, with `tracing`, in a server span continuing the caller's W3C `traceparent`.
 */
export function scopeRequests(app: FastifyInstance, options: { tracing: boolean }): void {
  app.addHook("onRequest", (request, _reply, done) => {
    withCorrelationId(request.id, () => {
      if (!options.tracing) return enterScope(request, undefined, done);
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
      context.with(trace.setSpan(caller, span), () => enterScope(request, span, done));
    });
  });
  // The body is parsed outside the request's async context: the handler gets it back here.
  app.addHook("preValidation", (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) scope.resource.runInAsyncScope(done);
    else done();
  });
  if (!options.tracing) return;
  app.addHook("onResponse", async (request, reply) => endSpan(request, reply.statusCode));
  app.addHook("onRequestAbort", async (request) => endSpan(request, undefined));
}

function enterScope(request: FastifyRequest, span: Span | undefined, done: () => void): void {
  const resource = new AsyncResource("user-management.request");
  scopes.set(request, { resource, span });
  resource.runInAsyncScope(done);
}

function endSpan(request: FastifyRequest, statusCode: number | undefined): void {
  const span = scopes.get(request)?.span;
  if (!span) return;
  scopes.delete(request);
  if (statusCode === undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: "client aborted the request" });
  } else {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
