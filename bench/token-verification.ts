import { jwtVerify } from "jose";
import { principalFromClaims } from "../src/permissions/principal.js";
import { permissionsOf } from "../src/permissions/roles.js";
import { createKeyRing, createTokenService, memoryKeyStore, type KeyRing, type TokenService } from "../src/platform/tokens/index.js";
import { measureLoop, type LoopResult } from "./timing.js";

export interface TokenVerificationResult {
  cachedToken: LoopResult;
  uncachedToken: LoopResult;
  bareJoseJwtVerify: LoopResult;
}

const issuer = "urn:trading-platform:user-management";
const audience = "urn:trading-platform";
const accessTokenTtlSeconds = 3600;

/** verifyAccessToken + principalFromClaims with and without the verified-token cache, next to jose alone. */
export async function measureTokenVerification(durationMs: number): Promise<TokenVerificationResult> {
  const keys = await createKeyRing({ store: memoryKeyStore(), accessTokenTtlSeconds });
  const cachingService = createTokenService({ keys, issuer, audience, accessTokenTtlSeconds });
  // One cache slot and two tokens taken in turn: every call misses, as a first sight of a token does.
  const missingService = createTokenService({ keys, issuer, audience, accessTokenTtlSeconds, cacheSize: 1 });
  const token = await issueToken(cachingService);
  const otherToken = await issueToken(cachingService);
  const publicKey = publicKeyOfSigner(keys);

  const cachedToken = await measureLoop(durationMs, async () => principalFromClaims(await cachingService.verifyAccessToken(token)));
  const uncachedToken = await measureLoop(durationMs, async (index) =>
    principalFromClaims(await missingService.verifyAccessToken(index % 2 === 0 ? token : otherToken)),
  );
  const bareJoseJwtVerify = await measureLoop(durationMs, () => jwtVerify(token, publicKey, { algorithms: ["EdDSA"], issuer, audience }));
  return { cachedToken, uncachedToken, bareJoseJwtVerify };
}

function issueToken(service: TokenService): Promise<string> {
  return service
    .issueAccessToken({
      userId: crypto.randomUUID(),
      companyId: crypto.randomUUID(),
      sessionId: crypto.randomUUID(),
      role: "OWNER",
      permissions: permissionsOf("OWNER"),
      tier: "PRO",
    })
    .then((issued) => issued.token);
}

function publicKeyOfSigner(keys: KeyRing) {
  const { kid } = keys.signingKey();
  const publicKey = keys.verificationKey(kid);
  if (!publicKey) throw new Error(`no public key for kid ${kid}`);
  return publicKey;
}
