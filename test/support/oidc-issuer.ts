import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";

/** An OpenID Connect issuer on a free loopback port: its own RSA key pair, a discovery document and a JWKS. */
export interface TestOidcIssuer {
  /** "http://127.0.0.1:<port>", the `iss` of its tokens. */
  issuer: string;
  jwksUrl: string;
  /** Requests its JWKS endpoint has answered. */
  jwksRequests(): number;
  /**
   * An ID token for `claims.sub` (default a new id), signed with the issuer's key: `iss` the issuer, `aud` the
   * audience given, `iat` now, `exp` in 10 minutes, `email_verified: true`; any claim can be overridden.
   */
  mintIdToken(claims: JWTPayload & { aud: string | string[]; email?: string }, options?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

export interface MintOptions {
  /** Sign with a key the JWKS does not hold (under the published `kid`), as a forger would. */
  foreignKey?: boolean;
}

export async function startOidcIssuer(): Promise<TestOidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const forger = await generateKeyPair("RS256");
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] };
  let jwksRequests = 0;
  let issuer = "";

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", issuer).pathname;
    const json = (body: unknown) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (path === "/.well-known/openid-configuration") {
      return json({
        issuer,
        jwks_uri: `${issuer}/jwks`,
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["id_token"],
        subject_types_supported: ["public"],
      });
    }
    if (path === "/jwks") {
      jwksRequests += 1;
      return json(jwks);
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the OIDC issuer did not report its port");
  issuer = `http://127.0.0.1:${address.port}`;

  async function mintIdToken(claims: JWTPayload & { aud: string | string[] }, options: MintOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key: CryptoKey = options.foreignKey ? forger.privateKey : privateKey;
    return new SignJWT({ iss: issuer, sub: randomUUID(), iat: now, exp: now + 600, email_verified: true, ...claims })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .sign(key);
  }

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    jwksRequests: () => jwksRequests,
    mintIdToken,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
