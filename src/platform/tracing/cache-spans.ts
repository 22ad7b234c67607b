import { SpanKind, trace, type Span } from "@opentelemetry/api";
import type { Cache, Reviver } from "../cache/cache.js";
import { endWhenSettled, tracer } from "./spans.js";

/** The cache with a span around every `get`, `set` and `delete` within a request or job run (`cache.key`; `cache.hit` on reads). */
export function traceCache(cache: Cache): Cache {
  const inSpan = <T>(operation: string, key: string, work: (span: Span | undefined) => Promise<T>) =>
    !trace.getActiveSpan() ? work(undefined) : tracer.startActiveSpan(`cache ${operation}`, { kind: SpanKind.CLIENT, attributes: { "cache.operation": operation, "cache.key": key } }, (span) =>
      endWhenSettled(span, () => work(span)),
    );
  return {
    get: <T>(key: string, revive?: Reviver<T>) =>
      inSpan("get", key, async (span) => {
        const value = await cache.get<T>(key, revive);
        span?.setAttribute("cache.hit", value !== undefined);
        return value;
      }),
    peek: (key, revive) => cache.peek(key, revive),
    set: (key, value, ttlSeconds) => inSpan("set", key, () => cache.set(key, value, ttlSeconds)),
    delete: (key) => inSpan("delete", key, () => cache.delete(key)),
    publish: (channel, message) => cache.publish(channel, message),
    subscribe: (channel, handler) => cache.subscribe(channel, handler),
    onCoherenceRegained: (handler) => cache.onCoherenceRegained(handler),
    footprint: () => cache.footprint(),
    health: () => cache.health(),
    close: () => cache.close(),
  };
}
