import { context, diag, DiagLogLevel, propagation, trace } from "@opentelemetry/api";
import type { Config } from "../config.js";
import type { Logger } from "./logger.js";

export interface Telemetry {
  /** Exports the spans still queued, then stops exporting. */
  shutdown(): Promise<void>;
}

let running: Telemetry | undefined;

/**
 * Registers the OpenTelemetry SDK of the process: spans batched to the OTLP/HTTP endpoint of the
 * `OTEL_EXPORTER_OTLP_*` variables (the exporter reads them), context through AsyncLocalStorage, W3C
 * `traceparent` propagation. Does nothing when `settings.enabled` is false; registers once per process.
 */
export async function startTelemetry(settings: Config["telemetry"], logger: Logger): Promise<Telemetry> {
  if (!settings.enabled) return { shutdown: async () => undefined };
  if (running) return running;
  // The SDK and exporter are loaded only when tracing is on; the API alone is a no-op otherwise.
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, TracerProvider }, { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION }] =
    await Promise.all([
      import("@opentelemetry/context-async-hooks"),
      import("@opentelemetry/core"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/sdk-trace"),
      import("@opentelemetry/semantic-conventions"),
    ]);
  if (running) return running;
  const log = logger.child({ component: "telemetry" });
  diag.setLogger(
    {
      error: (message, ...details) => log.error({ details }, message),
      warn: (message, ...details) => log.warn({ details }, message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: settings.serviceVersion }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...settings.batch })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  log.info({ serviceName: settings.serviceName }, "exporting traces over OTLP/HTTP");
  running = { shutdown: () => provider.shutdown() };
  return running;
}
