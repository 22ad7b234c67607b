import { createHash } from "node:crypto";

/**
 * The key prefix of a cached shape, `<name>:<version>:`, the version a digest of the selected fields: a
 * deploy that changes the shape reads its own keys, never rows an older release left in Redis.
 */
export function shapedPrefix(name: string, select: Record<string, unknown>): string {
  const fields = Object.keys(select).sort().join(",");
  return `${name}:${createHash("sha256").update(fields).digest("hex").slice(0, 8)}:`;
}
