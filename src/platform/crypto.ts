import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import { hash, verify, type Algorithm } from "@node-rs/argon2";

/** OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane. */
export const passwordHashing = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** One core is left to the event loop, so authenticated requests stay fast during a burst of sign-ins. */
export const defaultHashingConcurrency = Math.max(1, availableParallelism() - 1);

/** Runs at most `limit` pieces of work at once; the others wait their turn, in order. */
export function createConcurrencyLimit(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(work: () => Promise<T>): Promise<T> {
    if (running < limit) running += 1;
    // A finished piece hands its slot straight to the next waiter, so the limit holds exactly.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

let withHashingSlot = createConcurrencyLimit(defaultHashingConcurrency);

/** How many argon2id computations may run at once (config: PASSWORD_HASH_CONCURRENCY). */
export function setPasswordHashingConcurrency(limit: number): void {
  withHashingSlot = createConcurrencyLimit(Math.max(1, Math.floor(limit)));
}

export function hashPassword(password: string): Promise<string> {
  return withHashingSlot(() => hash(password, passwordHashing));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await withHashingSlot(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real verification, so an unknown account answers as slowly as a known one. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomToken(16));
  await verifyPassword(await dummyHash, password);
  return false;
}

/** A random opaque token (base64url) of `bytes` bytes; 32 bytes = 256 bits. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256 hex: how opaque tokens and codes are stored. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Compares two secrets in constant time, through their SHA-256 digests so a length difference does not show either. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}
