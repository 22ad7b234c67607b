/** The window the health figures' recent means cover: five minutes, in ten-second slots. */
export const recentWindow = { windowMs: 5 * 60_000, buckets: 30 };

/**
 * The mean of values recorded over the last `windowMs`, kept in `buckets` time slots: recording is a few
 * array writes, and values older than the window drop out a slot at a time.
 */
export class RollingMean {
  readonly #slotMs: number;
  readonly #slots: Float64Array;
  readonly #sums: Float64Array;
  readonly #counts: Float64Array;
  readonly #now: () => number;

  constructor(options: { windowMs: number; buckets: number; now?: () => number }) {
    this.#slotMs = options.windowMs / options.buckets;
    this.#slots = new Float64Array(options.buckets).fill(-1);
    this.#sums = new Float64Array(options.buckets);
    this.#counts = new Float64Array(options.buckets);
    this.#now = options.now ?? (() => performance.now());
  }

  record(value: number): void {
    const slot = Math.floor(this.#now() / this.#slotMs);
    const index = slot % this.#slots.length;
    if (this.#slots[index] !== slot) {
      this.#slots[index] = slot;
      this.#sums[index] = 0;
      this.#counts[index] = 0;
    }
    this.#sums[index]! += value;
    this.#counts[index]! += 1;
  }

  /** Null when nothing was recorded within the window. */
  mean(): number | null {
    const oldest = Math.floor(this.#now() / this.#slotMs) - this.#slots.length + 1;
    let sum = 0;
    let count = 0;
    for (let index = 0; index < this.#slots.length; index++) {
      if (this.#slots[index]! < oldest) continue;
      sum += this.#sums[index]!;
      count += this.#counts[index]!;
    }
    return count === 0 ? null : sum / count;
  }
}
