export { AccessTokenError, accessTokenRejections, type AccessTokenRejection } from "./access-token-error.js";
export {
  ACCESS_TOKEN_TYPE,
  createTokenService,
  type AccessTokenInput,
  type IssuedAccessToken,
  type RoleName,
  type TierName,
  type TokenService,
  type TokenServiceOptions,
  type VerifiedAccessToken,
} from "./access-token.js";
export { bearerToken } from "./bearer.js";
export { type Clock, systemClock } from "./clock.js";
export { databaseKeyStore, type DatabaseKeyStoreOptions } from "./database-key-store.js";
export { jwksCacheControl, jwksDocument, type Jwks } from "./jwks.js";
export { createKeyRing, type KeyRing, type KeyRingOptions } from "./key-ring.js";
export {
  announceSigningKeysChanged,
  keepKeyRingCurrent,
  rotateSigningKey,
  signingKeysChannel,
  withdrawSigningKey,
  type SigningKeysChanged,
} from "./key-rotation.js";
export { configuredKeyStore, memoryKeyStore, type KeyStore } from "./key-store.js";
export { signingKeyStore } from "./key-store-from-config.js";
export { decodePbClaims, encodePbClaims } from "./pb-claims.js";
export { generateSigningKey, parseConfiguredSigningKeys, type PublicSigningJwk, type StoredSigningKey } from "./signing-keys.js";
