/** One line of an invoice; credits are negative. */
export interface InvoiceLine {
  description: string;
  amountCents: number;
}

export interface ProrationInput {
  /** What the current plan costs for its whole period. */
  currentPriceCents: number;
  /** What the new plan costs for a whole period of its own cycle. */
  nextPriceCents: number;
  periodStart: Date;
  periodEnd: Date;
  at: Date;
  /** True when the new plan starts a period of its own now (a billing cycle switch, or leaving FREE): its whole price is due. */
  restartsPeriod: boolean;
  currentLabel: string;
  nextLabel: string;
}

export interface Proration {
  secondsLeft: number;
  secondsInPeriod: number;
  /** Unused time of the current plan, in cents (positive). */
  creditCents: number;
  /** The new plan for the rest of the period (or its whole new period), in cents. */
  chargeCents: number;
  /** Due now: charge minus credit, never below zero (a larger credit is not carried over). */
  amountCents: number;
  lines: InvoiceLine[];
}

/**
 * Prices a plan change at `at` by the whole seconds left in the current period: the unused share of the current
 * price is credited, the new price charged for the same share (or in full when the change starts a new period).
 * Each amount is rounded to the cent.
 */
export function prorate(input: ProrationInput): Proration {
  const secondsInPeriod = Math.max(1, Math.floor((input.periodEnd.getTime() - input.periodStart.getTime()) / 1000));
  const secondsLeft = Math.min(secondsInPeriod, Math.max(0, Math.floor((input.periodEnd.getTime() - input.at.getTime()) / 1000)));
  const share = (cents: number) => Math.round((cents * secondsLeft) / secondsInPeriod);
  const creditCents = share(input.currentPriceCents);
  const chargeCents = input.restartsPeriod ? input.nextPriceCents : share(input.nextPriceCents);
  const lines: InvoiceLine[] = [];
  if (creditCents > 0) {
    lines.push({ description: `Unused time on ${input.currentLabel} (${secondsLeft} of ${secondsInPeriod} seconds)`, amountCents: -creditCents });
  }
  lines.push({
    description: input.restartsPeriod ? `${input.nextLabel}, a new full period` : `${input.nextLabel} for the rest of the period (${secondsLeft} of ${secondsInPeriod} seconds)`,
    amountCents: chargeCents,
  });
  return { secondsLeft, secondsInPeriod, creditCents, chargeCents, amountCents: Math.max(0, chargeCents - creditCents), lines };
}
