import { createServer, type Server } from "node:http";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIdTokenVerifier, IdTokenError, isAllowedProviderUrl, type OidcProvider } from "../src/platform/oidc/id-tokens.js";
import { startOidcIssuer, type TestOidcIssuer } from "./support/oidc-issuer.js";

let issuer: TestOidcIssuer;
let provider: OidcProvider;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  provider = { issuers: [issuer.issuer], jwksUrl: issuer.jwksUrl, clientIds: ["web", "ios"] };
});

afterAll(async () => {
  await issuer?.close();
});

async function problemOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(IdTokenError);
  return (error as IdTokenError).problem;
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe("the ID token verifier", () => {
  it("verifies a token for any configured client id and fetches the JWKS once for many tokens", async () => {
    const verifier = createIdTokenVerifier({ timeoutMs: 2000 });
    const before = issuer.jwksRequests();
    for (const aud of ["web", "ios", ["ios", "other"]]) {
      const verified = await verifier.verify(await issuer.mintIdToken({ aud, email: "Ann@Example.com", sub: "s-1" }), provider, {});
      expect(verified).toEqual({ issuer: issuer.issuer, subject: "s-1", email: "Ann@Example.com" });
    }
    expect(issuer.jwksRequests() - before).toBe(1);
  });

  it("refuses unsigned and HMAC-signed tokens", async () => {
    const verifier = createIdTokenVerifier({ timeoutMs: 2000 });
    const claims = { iss: issuer.issuer, aud: "web", sub: "s", email: "a@example.com", email_verified: true };
    const unsigned = new UnsecuredJWT(claims).setIssuedAt().setExpirationTime("5m").encode();
    expect(await problemOf(verifier.verify(unsigned, provider, {}))).toBe("malformed");
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("5m").sign(new TextEncoder().encode("web"));
    expect(await problemOf(verifier.verify(hmac, provider, {}))).toBe("malformed");
  });

  it("refuses a token without sub or email, and one not yet valid", async () => {
    const verifier = createIdTokenVerifier({ timeoutMs: 2000 });
    expect(await problemOf(verifier.verify(await issuer.mintIdToken({ aud: "web", sub: undefined, email: "a@example.com" }), provider, {}))).toBe("malformed");
    expect(await problemOf(verifier.verify(await issuer.mintIdToken({ aud: "web" }), provider, {}))).toBe("email_missing");
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect(await problemOf(verifier.verify(await issuer.mintIdToken({ aud: "web", email: "a@example.com", nbf: future }), provider, {}))).toBe("malformed");
  });

  it("answers provider_unavailable when the JWKS cannot be fetched or takes longer than the timeout", async () => {
    const verifier = createIdTokenVerifier({ timeoutMs: 300 });
    const token = await issuer.mintIdToken({ aud: "web", email: "a@example.com" });
    const closed = await silentServer();
    const closedUrl = closed.url;
    await closed.close();
    expect(await problemOf(verifier.verify(token, { ...provider, jwksUrl: closedUrl }, {}))).toBe("provider_unavailable");
    const silent = await silentServer();
    try {
      const started = Date.now();
      expect(await problemOf(verifier.verify(token, { ...provider, jwksUrl: silent.url }, {}))).toBe("provider_unavailable");
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.close();
    }
  });
});

describe("isAllowedProviderUrl", () => {
  it.each([
    ["https://login.example.com/jwks", false, true],
    ["https://login.example.com/jwks", true, true],
    ["http://127.0.0.1:8080/jwks", false, true],
    ["http://localhost:8080/jwks", false, true],
    ["http://127.0.0.1:8080/jwks", true, false],
    ["http://login.example.com/jwks", false, false],
    ["https://user:secret@login.example.com/jwks", false, false],
    ["file:///etc/passwd", false, false],
    ["not a url", false, false],
  ])("%s in production=%s: %s", (url, isProduction, allowed) => {
    expect(isAllowedProviderUrl(url, isProduction)).toBe(allowed);
  });
});
