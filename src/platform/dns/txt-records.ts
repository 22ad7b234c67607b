import { Resolver } from "node:dns/promises";

export interface TxtLookupOptions {
  /** Resolvers as "host" or "host:port", e.g. ["127.0.0.1:5353"]; empty or undefined uses the system's. */
  servers?: string[];
  /** Per-attempt timeout in milliseconds; default 3000. */
  timeoutMs?: number;
  /** Attempts per server before giving up; default 2. */
  tries?: number;
}

/** The TXT records published at `name`, each record's chunks joined into one string; [] when there are none. */
export type TxtLookup = (name: string) => Promise<string[]>;

/** DNS could not give an answer (servers unreachable, SERVFAIL, timeout), as opposed to "no such record". */
export class DnsLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DnsLookupError";
  }
}

// NXDOMAIN and NODATA are definite answers: the record is simply not there.
const absentCodes = new Set(["ENOTFOUND", "ENODATA"]);

/** A TXT lookup over one resolver of its own, so its servers and timeouts do not touch the process-wide ones. */
export function createTxtLookup(options: TxtLookupOptions): TxtLookup {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers(options.servers);

  return async (name) => {
    try {
      const records = await resolver.resolveTxt(name);
      // Node hands over each byte as one Latin-1 character; undo that so UTF-8 text reads as written.
      return records.map((chunks) => Buffer.from(chunks.join(""), "latin1").toString("utf8"));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code && absentCodes.has(code)) return [];
      throw new DnsLookupError(`TXT lookup of ${name} failed (${code ?? "unknown error"})`);
    }
  };
}
