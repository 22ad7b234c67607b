import { hash, verify } from "@node-rs/argon2";
import { passwordHashing } from "../src/platform/crypto";
import { measureLoop, type LoopResult } from "./timing";

export interface PasswordHashingResult {
  parameters: typeof passwordHashing;
  hash: LoopResult;
  verify: LoopResult;
  /** Verifies with `concurrency` in flight: what the whole machine can do, the ceiling for logins. */
  parallelVerify: { concurrency: number; opsPerSecond: number };
}

/** argon2id with the project's parameters: one call at a time (one core), then as many in flight as logins are. */
export async function measurePasswordHashing(durationMs: number, concurrency: number): Promise<PasswordHashingResult> {
  const password = "correct horse battery staple";
  const stored = await hash(password, passwordHashing);
  const loops = await Promise.all(Array.from({ length: concurrency }, () => measureLoop(durationMs, () => verify(stored, password))));
  return {
    parameters: passwordHashing,
    hash: await measureLoop(durationMs, () => hash(password, passwordHashing)),
    verify: await measureLoop(durationMs, () => verify(stored, password)),
    parallelVerify: { concurrency, opsPerSecond: loops.reduce((sum, loop) => sum + loop.opsPerSecond, 0) },
  };
}
