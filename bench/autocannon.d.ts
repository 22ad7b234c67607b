// The parts of autocannon 9 the bench uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    overallRate?: number;
    verifyBody?: (body: string) => boolean;
  }

  interface Result {
    duration: number;
    /** Completed requests (any status) in `total`. */
    requests: { total: number };
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
  }

  type Instance = EventEmitter & PromiseLike<Result>;

  export default function autocannon(options: Options): Instance;
}
