/** Checks on what callers hand the cache; a wrong call throws, since it is a bug, not an outage. */

export const reservedChannelPrefix = "_cache:";

export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("cache values must be JSON-serialisable (got undefined or a function)");
  return json;
}

export function ttlToMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`cache ttl must be a positive number of seconds, got ${ttlSeconds}`);
  }
  return Math.ceil(ttlSeconds * 1000);
}

export function checkChannel(channel: string): void {
  if (channel.startsWith(reservedChannelPrefix)) {
    throw new Error(`cache channel names starting with "${reservedChannelPrefix}" are reserved: ${channel}`);
  }
}
