import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";

/** Why an ID token was refused; the caller turns it into a user-facing error. */
export type IdTokenProblem =
  | "malformed"
  | "bad_signature"
  | "wrong_issuer"
  | "wrong_audience"
  | "expired"
  | "wrong_nonce"
  | "email_missing"
  | "email_unverified"
  | "provider_unavailable";

export class IdTokenError extends Error {
  constructor(readonly problem: IdTokenProblem, message: string) {
    super(message);
    this.name = "IdTokenError";
  }
}

/** Where and how to check one provider's ID tokens. */
export interface OidcProvider {
  /** Accepted `iss` values; the first is the canonical one identities are stored under. */
  issuers: readonly string[];
  jwksUrl: string;
  /** Accepted `aud` values (the relying party's client ids). */
  clientIds: readonly string[];
}

export interface VerifiedIdToken {
  /** The provider's canonical issuer. */
  issuer: string;
  subject: string;
  /** As the provider wrote it; only ever a verified address. */
  email: string;
}

export interface IdTokenVerifier {
  verify(idToken: string, provider: OidcProvider, expected: { nonce?: string | null }): Promise<VerifiedIdToken>;
}

// Asymmetric only: an HMAC token would be "signed" with the client id's secret, never ours to check.
const acceptedAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
const clockToleranceSeconds = 30;
const maxCachedKeySets = 500;
const idTokenMaxLength = 16 * 1024;

/**
 * An `https:` URL, or `http:` to a loopback address outside production (local identity providers and tests);
 * plain http elsewhere would let anyone on the path swap the keys.
 */
export function isAllowedProviderUrl(value: string, isProduction: boolean): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === "https:") return true;
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "[::1]" || url.hostname === "localhost";
  return url.protocol === "http:" && loopback && !isProduction;
}

/** The unverified `iss` and `aud` of a token, only to choose which provider should verify it. */
export function peekIssuerAndAudience(idToken: string): { issuer: string; audiences: string[] } {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(idToken);
  } catch {
    throw new IdTokenError("malformed", "The ID token is not a JWT");
  }
  if (typeof payload.iss !== "string") throw new IdTokenError("malformed", "The ID token has no issuer");
  const audiences = typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  return { issuer: payload.iss, audiences };
}

/** Apple sends `email_verified` as the string "true"; Google as a boolean. */
function isEmailVerified(claim: unknown): boolean {
  return claim === true || claim === "true";
}

function problemOf(error: unknown): IdTokenError {
  if (error instanceof IdTokenError) return error;
  if (error instanceof errors.JWTExpired) return new IdTokenError("expired", "The ID token has expired; sign in with the provider again");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return new IdTokenError("wrong_issuer", "The ID token was issued by another provider");
    if (error.claim === "aud") return new IdTokenError("wrong_audience", "The ID token was issued for another application");
    return new IdTokenError("malformed", `The ID token's ${error.claim} claim is not acceptable`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return new IdTokenError("bad_signature", "The ID token's signature is not the provider's");
  }
  if (error instanceof errors.JOSEError) return new IdTokenError("malformed", "The ID token is not valid");
  throw error;
}

/**
 * Verifies OIDC ID tokens against each provider's published keys. Key sets are fetched with a timeout and
 * cached per JWKS URL (jose refetches on an unknown `kid`, which is how provider key rotation arrives).
 */
export function createIdTokenVerifier(options: { timeoutMs: number }): IdTokenVerifier {
  const keySets = new Map<string, JWTVerifyGetKey>();

  function keySetOf(jwksUrl: string): JWTVerifyGetKey {
    let remote = keySets.get(jwksUrl);
    if (!remote) {
      if (keySets.size >= maxCachedKeySets) keySets.delete(keySets.keys().next().value!);
      remote = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: options.timeoutMs });
      keySets.set(jwksUrl, remote);
    }
    const keys = remote;
    return async (header, token) => {
      try {
        return await keys(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        throw new IdTokenError("provider_unavailable", "The identity provider's keys could not be fetched; try again");
      }
    };
  }

  return {
    async verify(idToken, provider, expected) {
      if (idToken.length > idTokenMaxLength) throw new IdTokenError("malformed", "The ID token is too long");
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(idToken, keySetOf(provider.jwksUrl), {
          algorithms: acceptedAlgorithms,
          issuer: [...provider.issuers],
          audience: [...provider.clientIds],
          clockTolerance: clockToleranceSeconds,
          requiredClaims: ["sub", "iat", "exp"],
        }));
      } catch (error) {
        throw problemOf(error);
      }
      if (expected.nonce && payload.nonce !== expected.nonce) {
        throw new IdTokenError("wrong_nonce", "The ID token's nonce is not the one this sign-in started with");
      }
      if (typeof payload.email !== "string" || !payload.email) throw new IdTokenError("email_missing", "The ID token carries no email; allow the email scope");
      if (!isEmailVerified(payload.email_verified)) throw new IdTokenError("email_unverified", "The provider has not verified this email address");
      return { issuer: provider.issuers[0]!, subject: payload.sub!, email: payload.email };
    },
  };
}
