/** Milliseconds since the epoch, like `Date.now`; injected so tests can move time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export function unixSeconds(clock: Clock): number {
  return Math.floor(clock() / 1000);
}
