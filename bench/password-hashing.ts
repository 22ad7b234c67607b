import { hash, verify } from "@node-rs/argon2";
import { passwordHashing } from "../src/platform/crypto";
import { measureLoop, type LoopResult } from "./timing";

export interface PasswordHashingResult {
  parameters: typeof passwordHashing;
  hash: LoopResult;
  verify: LoopResult;
}

/** argon2id with the project's parameters, one call at a time (so one core). */
export async function measurePasswordHashing(durationMs: number): Promise<PasswordHashingResult> {
  const password = "correct horse battery staple";
  const stored = await hash(password, passwordHashing);
  return {
    parameters: passwordHashing,
    hash: await measureLoop(durationMs, () => hash(password, passwordHashing)),
    verify: await measureLoop(durationMs, () => verify(stored, password)),
  };
}
