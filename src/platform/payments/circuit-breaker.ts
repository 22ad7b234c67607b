export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one trial call through. */
  cooldownMs: number;
}

export type CircuitState = "closed" | "open" | "half-open";

/**
 * Closed: calls pass and consecutive failures are counted. Open (after `failureThreshold` of them): calls are
 * refused until `cooldownMs` has passed. Half-open: one trial call passes; its success closes the circuit,
 * its failure opens it for another cool-down.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): CircuitState {
    if (this.openedAt === undefined) return "closed";
    return this.trialInFlight || Date.now() - this.openedAt < this.options.cooldownMs ? "open" : "half-open";
  }

  /** Whether a call may go out now; in half-open, only the first caller is let through. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open") return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  /** Counts a failed call; returns whether the circuit is open after it (the threshold reached, or a trial failed). */
  recordFailure(): boolean {
    this.consecutiveFailures += 1;
    this.trialInFlight = false;
    if (this.openedAt === undefined && this.consecutiveFailures < this.options.failureThreshold) return false;
    this.openedAt = Date.now();
    return true;
  }
}
