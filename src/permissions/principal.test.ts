import { beforeAll, describe, expect, it } from "vitest";
import { createKeyRing, createTokenService, memoryKeyStore, type TokenService, type VerifiedAccessToken } from "../platform/tokens/index.js";
import { principalFromClaims } from "./principal.js";
import { permissionsOf } from "./roles.js";

let tokens: TokenService;

beforeAll(async () => {
  const keys = await createKeyRing({ store: memoryKeyStore(), accessTokenTtlSeconds: 3600 });
  tokens = createTokenService({ keys, issuer: "urn:test", audience: "urn:test:aud", accessTokenTtlSeconds: 3600 });
});

async function verifiedToken(overrides: Partial<Parameters<TokenService["issueAccessToken"]>[0]> = {}) {
  const { token } = await tokens.issueAccessToken({
    userId: "user-1",
    companyId: "company-1",
    sessionId: "session-1",
    role: "MANAGER",
    permissions: permissionsOf("MANAGER"),
    tier: "PRO",
    ...overrides,
  });
  return { token, verified: await tokens.verifyAccessToken(token) };
}

describe("principalFromClaims", () => {
  it("builds the caller from a verified token", async () => {
    const { verified } = await verifiedToken();
    expect(principalFromClaims(verified)).toEqual({
      userId: "user-1",
      sessionId: "session-1",
      companyId: "company-1",
      role: "MANAGER",
      permissions: permissionsOf("MANAGER"),
      tier: "PRO",
      issuedAt: verified.issuedAt,
      expiresAt: verified.expiresAt,
      authTime: verified.issuedAt,
      amr: [],
    });
    expect(verified.expiresAt - verified.issuedAt).toBe(3600);
  });

  it("takes permissions from the token's pb_claims, not from the role's current matrix", async () => {
    const { verified } = await verifiedToken({ role: "VIEWER", permissions: ["data.read_only"] });
    const principal = principalFromClaims(verified);
    expect(principal.role).toBe("VIEWER");
    expect(principal.permissions).toEqual(["data.read_only"]);
    expect(principal.permissions).not.toContain("reports.read_only");
  });

  it("drops permission names this build does not know instead of granting them", async () => {
    const { verified } = await verifiedToken({ permissions: ["users.view", "rockets.launch"] });
    expect(principalFromClaims(verified).permissions).toEqual(["users.view"]);
  });

  it("gives the same frozen principal for every request presenting the same cached token", async () => {
    const { token, verified } = await verifiedToken();
    const principal = principalFromClaims(verified);
    expect(principalFromClaims(await tokens.verifyAccessToken(token))).toBe(principal);
    expect(() => {
      (principal as { companyId: string }).companyId = "company-2";
    }).toThrow(TypeError);
  });

  it("refuses claims whose role this build does not know", () => {
    const forged = { role: "SUPERUSER", permissions: [] } as unknown as VerifiedAccessToken;
    expect(() => principalFromClaims(forged)).toThrow(/claims/);
  });
});
