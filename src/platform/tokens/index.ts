export { AccessTokenError, type AccessTokenRejection } from "./access-token-error";
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
} from "./access-token";
export { bearerToken } from "./bearer";
export { type Clock, systemClock } from "./clock";
export { databaseKeyStore, type DatabaseKeyStoreOptions } from "./database-key-store";
export { jwksCacheControl, jwksDocument, type Jwks } from "./jwks";
export { createKeyRing, type KeyRing, type KeyRingOptions } from "./key-ring";
export {
  announceSigningKeysChanged,
  keepKeyRingCurrent,
  rotateSigningKey,
  signingKeysChannel,
  withdrawSigningKey,
  type SigningKeysChanged,
} from "./key-rotation";
export { configuredKeyStore, memoryKeyStore, type KeyStore } from "./key-store";
export { signingKeyStore } from "./key-store-from-config";
export { decodePbClaims, encodePbClaims } from "./pb-claims";
export { generateSigningKey, parseConfiguredSigningKeys, type PublicSigningJwk, type StoredSigningKey } from "./signing-keys";
