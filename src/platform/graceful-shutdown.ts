import type { Logger } from "./logger.js";

export interface ShutdownStep {
  name: string;
  close(): Promise<void>;
}

export interface GracefulShutdownOptions {
  logger: Logger;
  /** Readiness fails and responses carry `Connection: close` from here on. */
  startDraining(): void;
  /** How long to keep serving after `startDraining`, for load balancers to notice. */
  drainDelayMs: number;
  /** The hard limit on the steps, counted from the end of the drain delay; past it the process exits 1. */
  timeoutMs: number;
  /** Run one after another once the drain is over: the HTTP server first, then what it used. */
  steps: ShutdownStep[];
  exit(code: number): void;
}

/**
 * The handler of SIGTERM/SIGINT: drain, wait the drain delay, run the steps, exit 0 (1 when a step
 * failed or the timeout passed). A second signal during the drain delay cuts it short.
 */
export function gracefulShutdown(options: GracefulShutdownOptions): (signal: string) => Promise<void> {
  const { logger } = options;
  let endDrain: (() => void) | undefined;
  let started = false;
  let exited = false;
  const exitOnce = (code: number) => {
    if (exited) return;
    exited = true;
    options.exit(code);
  };

  async function drain(signal: string) {
    options.startDraining();
    logger.info({ signal, drainDelayMs: options.drainDelayMs }, "shutting down: draining, readiness answers 503");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.drainDelayMs);
      endDrain = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    endDrain = undefined;
  }

  async function runSteps(): Promise<boolean> {
    let succeeded = true;
    for (const step of options.steps) {
      try {
        await step.close();
      } catch (error) {
        succeeded = false;
        logger.error({ err: error, step: step.name }, "shutdown step failed");
      }
    }
    return succeeded;
  }

  return async (signal) => {
    if (started) {
      if (endDrain) {
        logger.info({ signal }, "second signal: ending the drain now");
        endDrain();
      }
      return;
    }
    started = true;
    await drain(signal);
    logger.info("drain over: closing the listener, finishing requests in flight");
    const forced = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, "shutdown timed out; exiting");
      exitOnce(1);
    }, options.timeoutMs);
    forced.unref();
    const succeeded = await runSteps();
    clearTimeout(forced);
    if (exited) return;
    logger.info("stopped");
    exitOnce(succeeded ? 0 : 1);
  };
}
