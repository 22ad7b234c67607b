import { Counter, type Registry } from "prom-client";

/** One series of a tally counter: adding to it is adding to a number. */
export interface Tally {
  inc(): void;
}

/**
 * A prom-client counter whose series are plain numbers, handed to the registry when it is scraped: the
 * request path pays an addition instead of prom-client's label hashing. A series exists (at 0) from the
 * moment it is asked for.
 */
export function tallyCounter(registry: Registry, options: { name: string; help: string; labelNames: readonly string[] }) {
  const tallies: { labels: Record<string, string>; value: number }[] = [];
  new Counter({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const tally of tallies) this.inc(tally.labels, tally.value);
    },
  });
  return {
    series(...values: string[]): Tally {
      const labels = Object.fromEntries(options.labelNames.map((name, index) => [name, values[index]!]));
      const tally = {
        labels,
        value: 0,
        inc() {
          tally.value += 1;
        },
      };
      tallies.push(tally);
      return tally;
    },
  };
}
