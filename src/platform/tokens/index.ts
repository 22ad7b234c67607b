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
export { jwksCacheControl, jwksDocument, type Jwks } from "./jwks";
export { createKeyRing, devKeyFile, loadKeyRing, type KeyRing, type KeyRingOptions, type LoadKeyRingOptions } from "./key-ring";
export { configuredKeyStore, fileKeyStore, memoryKeyStore, type KeyStore } from "./key-store";
export { decodePbClaims, encodePbClaims } from "./pb-claims";
export { generateSigningKey, parseConfiguredSigningKeys, type PublicSigningJwk, type StoredSigningKey } from "./signing-keys";
