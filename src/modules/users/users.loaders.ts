import DataLoader from "dataloader";
import { findMfaEnabled } from "../auth/mfa.service.js";
import { findUsersByIds, type UserRecord, type UsersDeps } from "./users.service.js";

/** Per-request loaders: every user lookup in one tick becomes one query. */
export function createUserLoaders(deps: UsersDeps) {
  return {
    userById: new DataLoader<string, UserRecord | null>((ids) => findUsersByIds(deps, ids)),
    mfaEnabledOf: new DataLoader<string, boolean>((ids) => findMfaEnabled(deps, ids)),
  };
}

export type UserLoaders = ReturnType<typeof createUserLoaders>;
