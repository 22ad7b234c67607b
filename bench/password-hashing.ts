import { hash, verify } from "@node-rs/argon2";
import { defaultHashingConcurrency, passwordHashing } from "../src/platform/crypto.js";
import { measureLoop, type LoopResult } from "./timing.js";

export interface PasswordHashingResult {
  parameters: typeof passwordHashing;
  hash: LoopResult;
  verify: LoopResult;
  /** Verifies with the server's hashing concurrency in flight: the ceiling for its logins. */
  budgetVerify: ParallelVerify;
  /** Verifies with as many in flight as the login phase's connections: every core hashing. */
  machineVerify: ParallelVerify;
}

interface ParallelVerify {
  concurrency: number;
  opsPerSecond: number;
}

/** argon2id with the project's parameters: one call at a time, at the server's hashing concurrency, and on every core. */
export async function measurePasswordHashing(durationMs: number, machineConcurrency: number): Promise<PasswordHashingResult> {
  const password = "correct horse battery staple";
  const stored = await hash(password, passwordHashing);
  const parallel = async (concurrency: number): Promise<ParallelVerify> => {
    const loops = await Promise.all(Array.from({ length: concurrency }, () => measureLoop(durationMs, () => verify(stored, password))));
    return { concurrency, opsPerSecond: loops.reduce((sum, loop) => sum + loop.opsPerSecond, 0) };
  };
  return {
    parameters: passwordHashing,
    hash: await measureLoop(durationMs, () => hash(password, passwordHashing)),
    verify: await measureLoop(durationMs, () => verify(stored, password)),
    budgetVerify: await parallel(defaultHashingConcurrency),
    machineVerify: await parallel(machineConcurrency),
  };
}
