import type { KeyRing } from "./key-ring.js";
import type { PublicSigningJwk } from "./signing-keys.js";

export interface Jwks {
  keys: PublicSigningJwk[];
}

/** Body of `GET /.well-known/jwks.json`: the public half of every key still accepted, never `d`. */
export function jwksDocument(ring: KeyRing): Jwks {
  return { keys: ring.publicKeys() };
}

/** Short, so verifiers that cache the JWKS pick up a rotation within minutes (jose refetches on an unknown kid anyway). */
export const jwksCacheControl = "public, max-age=300";
