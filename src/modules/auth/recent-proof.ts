import { DomainError, ErrorCode } from "../../platform/errors.js";
import type { SessionActor } from "../security/audit.service.js";

/** Refuses a sensitive change unless the caller proved who they are in this session within the last few minutes. */
export function requireRecentProof(deps: { config: { mfa: { stepUpMaxAgeSeconds: number } } }, actor: SessionActor): void {
  const ageSeconds = Date.now() / 1000 - actor.authTime;
  if (ageSeconds > deps.config.mfa.stepUpMaxAgeSeconds) {
    const minutes = Math.round(deps.config.mfa.stepUpMaxAgeSeconds / 60);
    throw new DomainError(ErrorCode.STEP_UP_REQUIRED, `Confirm it is you first: call reauthenticate (or sign in again); this needs a proof from the last ${minutes} minutes`);
  }
}
