import { collectDefaultMetrics, Registry } from "prom-client";

let processRegistry: Registry | undefined;

/**
 * prom-client's default metrics (CPU, memory, handles, GC, event-loop lag) in a registry of their own, made
 * once per process: they describe the process, and their GC observer and event-loop monitor cannot be stopped.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
