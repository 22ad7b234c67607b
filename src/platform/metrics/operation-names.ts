const namePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Operation names as label values, bounded: the first `max` well-formed names seen keep their own value;
 * any other name is `other`, an unnamed operation `anonymous`. Clients choose names, so without the bound
 * each new one would be a new time series here and in Prometheus.
 */
export class OperationNames {
  readonly #admitted = new Set<string>();

  constructor(readonly max: number) {}

  labelOf(name: string | null | undefined): string {
    if (!name) return "anonymous";
    if (this.#admitted.has(name)) return name;
    if (this.#admitted.size >= this.max || name.length > 64 || !namePattern.test(name)) return "other";
    this.#admitted.add(name);
    return name;
  }
}
