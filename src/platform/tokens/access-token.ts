import { randomUUID } from "node:crypto";
import { errors, type JWTPayload, jwtVerify } from "jose";
import { LRUCache } from "lru-cache";
import { SubscriptionTier } from "../../generated/proto/user_management/v1/subscription_pb.js";
import { Role } from "../../generated/proto/user_management/v1/user_context_pb.js";
import { lruFootprint, type CacheFootprint } from "../cache/footprint.js";
import { lruBounds } from "../cache/lru-bounds.js";
import { BugError } from "../errors.js";
import { AccessTokenError } from "./access-token-error.js";
import { type Clock, systemClock, unixSeconds } from "./clock.js";
import { signCompactJws } from "./compact-jws.js";
import type { KeyRing } from "./key-ring.js";
import { decodePbClaims, encodePbClaims } from "./pb-claims.js";

export type RoleName = Exclude<keyof typeof Role, "ROLE_UNSPECIFIED">;
export type TierName = keyof typeof SubscriptionTier;

/** What an access token says about its bearer. */
export interface AccessTokenInput {
  userId: string;
  /** The session's active company. */
  companyId: string;
  sessionId: string;
  /** The role in `companyId`. */
  role: RoleName;
  permissions: readonly string[];
  tier: TierName;
  /** Features the tier unlocks. */
  features?: readonly string[];
  /** The issuing request's correlation id. */
  correlationId?: string;
  /** Unix seconds when the user last proved who they are (OIDC `auth_time`); the issue time when not given. */
  authTime?: number;
  /** How they proved it, RFC 8176 names (`pwd`, `otp`, `email`, `sso`). */
  amr?: readonly string[];
}

export interface IssuedAccessToken {
  token: string;
  /** The token's `jti`. */
  tokenId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Seconds until `expiresAt`. */
  expiresIn: number;
}

/** A verified token's claims, taken from `pb_claims` after it was checked against `sub`/`company`/`sid`. Frozen. */
export interface VerifiedAccessToken extends Readonly<Required<Omit<AccessTokenInput, "correlationId">>> {
  readonly tokenId: string;
  readonly keyId: string;
  /** Unix seconds. */
  readonly issuedAt: number;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly correlationId?: string;
}

export interface TokenServiceOptions {
  keys: KeyRing;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  /** Accepted skew between this clock and the issuer's, in seconds. */
  clockToleranceSeconds?: number;
  /** How many verified tokens to remember (LRU). */
  cacheSize?: number;
  /** Bound on the remembered tokens' estimated bytes, besides their number. */
  cacheMaxBytes?: number;
  clock?: Clock;
}

export interface TokenService {
  issueAccessToken(input: AccessTokenInput): Promise<IssuedAccessToken>;
  /** Throws AccessTokenError when the token is not one this service would accept right now. */
  verifyAccessToken(token: string): Promise<VerifiedAccessToken>;
  /**
   * The claims of a token verified before and still acceptable, without I/O or a promise; undefined when it
   * was not verified here before (then `verifyAccessToken` decides). Throws AccessTokenError as it does.
   */
  knownAccessToken(token: string): VerifiedAccessToken | undefined;
  /** What the cache of verified tokens holds right now. */
  cacheFootprint(): CacheFootprint;
}

export const ACCESS_TOKEN_TYPE = "at+jwt";
const MAX_TOKEN_LENGTH = 8192;
const REQUIRED_CLAIMS = ["sub", "company", "sid", "pb_claims", "jti", "iat", "exp"];

export function createTokenService(options: TokenServiceOptions): TokenService {
  const { keys, issuer, audience, accessTokenTtlSeconds, clockToleranceSeconds = 5, cacheSize = 10_000, cacheMaxBytes = 16 * 1024 * 1024, clock = systemClock } = options;
  // Measured: the verified claims and the LRU's bookkeeping take about 550 bytes besides the token text.
  const { maxSize, charge } = lruBounds(cacheSize, cacheMaxBytes);
  const verified = new LRUCache<string, VerifiedAccessToken>({ maxSize, sizeCalculation: (_claims, token) => charge(550 + token.length) });

  const keyFor = (header: { kid?: unknown }) => {
    const key = typeof header.kid === "string" ? keys.verificationKey(header.kid) : undefined;
    if (!key) throw new AccessTokenError("unknown_kid");
    return key;
  };

  function knownAccessToken(token: string): VerifiedAccessToken | undefined {
    const cached = verified.get(token);
    if (!cached) return undefined;
    if (unixSeconds(clock) >= cached.expiresAt + clockToleranceSeconds) {
      verified.delete(token);
      throw new AccessTokenError("expired");
    }
    // A withdrawn or dropped key ends its tokens at once, cached or not; a map lookup, no I/O.
    if (!keys.accepts(cached.keyId)) {
      verified.delete(token);
      throw new AccessTokenError("unknown_kid");
    }
    return cached;
  }

  return {
    async issueAccessToken(input) {
      // Checked at run time too: callers may pass names that came from the database.
      const role: Role | undefined = Role[input.role as keyof typeof Role];
      const tier: SubscriptionTier | undefined = SubscriptionTier[input.tier];
      if (!input.userId || !input.companyId || !input.sessionId || role === undefined || role === Role.ROLE_UNSPECIFIED || tier === undefined) {
        throw new BugError("BUG_ACCESS_TOKEN_INPUT", "an access token needs a user, company, session, role and tier");
      }
      const issuedAt = unixSeconds(clock);
      const expiresAt = issuedAt + accessTokenTtlSeconds;
      const tokenId = randomUUID();
      const pbClaims = encodePbClaims({
        userId: input.userId,
        companyId: input.companyId,
        subscriptionTier: tier,
        role,
        permissions: [...input.permissions],
        issuedAt: BigInt(issuedAt),
        expiresAt: BigInt(expiresAt),
        correlationId: input.correlationId ?? "",
        sessionId: input.sessionId,
        features: [...(input.features ?? [])],
      });
      const { kid, privateKey } = keys.signingKey();
      const authTime = input.authTime ?? issuedAt;
      const amr = [...(input.amr ?? [])];
      const token = signCompactJws(
        { alg: "EdDSA", kid, typ: ACCESS_TOKEN_TYPE },
        { iss: issuer, aud: audience, sub: input.userId, company: input.companyId, sid: input.sessionId, pb_claims: pbClaims, auth_time: authTime, amr, jti: tokenId, iat: issuedAt, exp: expiresAt },
        privateKey,
      );
      return { token, tokenId, expiresAt, expiresIn: accessTokenTtlSeconds };
    },

    knownAccessToken,

    async verifyAccessToken(token) {
      if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new AccessTokenError("malformed");
      }
      const known = knownAccessToken(token);
      if (known) return known;
      let result: Awaited<ReturnType<typeof jwtVerify>>;
      try {
        result = await jwtVerify(token, keyFor, {
          algorithms: ["EdDSA"],
          issuer,
          audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance: clockToleranceSeconds,
          currentDate: new Date(clock()),
        });
      } catch (error) {
        throw toAccessTokenError(error);
      }
      const claims = readClaims(result.payload, result.protectedHeader.kid!);
      verified.set(token, claims);
      return claims;
    },

    cacheFootprint: () => lruFootprint(verified),
  };
}

function readClaims(payload: JWTPayload, keyId: string): VerifiedAccessToken {
  const { sub, company, sid, jti, iat, exp } = payload;
  if (!nonEmpty(sub) || !nonEmpty(company) || !nonEmpty(sid) || !nonEmpty(jti) || !Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) {
    throw new AccessTokenError("invalid_claims");
  }
  const pb = decodePbClaims(payload.pb_claims);
  if (pb.userId !== sub || pb.companyId !== company || pb.sessionId !== sid || pb.issuedAt !== BigInt(iat!) || pb.expiresAt !== BigInt(exp!)) {
    throw new AccessTokenError("claims_mismatch");
  }
  const role = Role[pb.role] as keyof typeof Role | undefined;
  const tier = SubscriptionTier[pb.subscriptionTier] as TierName | undefined;
  if (role === undefined || role === "ROLE_UNSPECIFIED" || tier === undefined) throw new AccessTokenError("invalid_claims");
  return Object.freeze({
    tokenId: jti,
    keyId,
    userId: sub,
    companyId: company,
    sessionId: sid,
    role,
    permissions: Object.freeze([...pb.permissions]),
    tier,
    features: Object.freeze([...pb.features]),
    issuedAt: iat!,
    expiresAt: exp!,
    authTime: Number.isSafeInteger(payload.auth_time) ? (payload.auth_time as number) : iat!,
    amr: Object.freeze(Array.isArray(payload.amr) ? payload.amr.filter((method): method is string => typeof method === "string") : []),
    ...(pb.correlationId ? { correlationId: pb.correlationId } : {}),
  });
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function toAccessTokenError(error: unknown): AccessTokenError {
  if (error instanceof AccessTokenError) return error;
  if (error instanceof errors.JWTExpired) return new AccessTokenError("expired");
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return new AccessTokenError("algorithm");
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AccessTokenError("signature");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return new AccessTokenError("issuer");
    if (error.claim === "aud") return new AccessTokenError("audience");
    if (error.claim === "nbf") return new AccessTokenError("not_yet_valid");
    if (error.claim === "typ") return new AccessTokenError("malformed");
    return new AccessTokenError("invalid_claims");
  }
  return new AccessTokenError("malformed");
}
