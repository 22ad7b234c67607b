import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CompanyNameDocument,
  ConfirmTotpDocument,
  DisableMfaDocument,
  EnrollTotpDocument,
  LoginWithMfaDocument,
  MeDocument,
  ReauthenticateDocument,
  RefreshTokenDocument,
  RegenerateRecoveryCodesDocument,
  RequestEmailChangeDocument,
  UpdateCompanySettingsDocument,
  VerifyMfaDocument,
} from "./generated/graphql.js";
import { registerAccount, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { organizationWithRoles, tokensIn } from "./support/tenancy.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const claimsOf = (accessToken: string) => JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()) as { auth_time: number; amr: string[]; iat: number };
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function withMfa(account: Awaited<ReturnType<typeof registerAccount>>) {
  const token = account.tokens.accessToken;
  const { secret } = (await server.graphql(EnrollTotpDocument, {}, { token })).data!.enrollTotp.enrollment!;
  await server.graphql(ConfirmTotpDocument, { code: await generate({ secret }) }, { token });
  return secret;
}

/** Makes the session's last proof of identity ten minutes old, and returns a token refreshed from it. */
async function ageProof(sessionOf: { refreshToken: string }, userId: string) {
  await server.deps.database.prisma.session.updateMany({ where: { userId }, data: { authenticatedAt: new Date(Date.now() - 10 * 60_000) } });
  const refreshed = await server.graphql(RefreshTokenDocument, { refreshToken: sessionOf.refreshToken });
  return refreshed.data!.refreshToken.tokens!;
}

describe("auth_time and amr", () => {
  it("says how and when the user proved who they are, and keeps it across refreshes", async () => {
    const account = await registerAccount(server);
    const registered = claimsOf(account.tokens.accessToken);
    expect(registered.amr).toEqual(["pwd"]);
    expect(Math.abs(registered.auth_time - nowSeconds())).toBeLessThan(5);

    const aged = await ageProof(account.tokens, account.user.id);
    const claims = claimsOf(aged.accessToken);
    expect(nowSeconds() - claims.auth_time).toBeGreaterThanOrEqual(599);
    expect(claims.iat).toBeGreaterThan(claims.auth_time);
  });

  it("adds otp after a sign-in with the authenticator", async () => {
    const account = await registerAccount(server);
    const secret = await withMfa(account);
    const challenge = (await server.graphql(LoginWithMfaDocument, { input: { email: account.email, password: strongPassword } })).data!.login.mfaChallengeId!;
    const verified = await server.graphql(VerifyMfaDocument, { challengeId: challenge, code: await generate({ secret, epoch: nowSeconds() + 30 }) });
    expect(claimsOf(verified.data!.verifyMfa.tokens!.accessToken).amr).toEqual(["pwd", "otp"]);
  });
});

describe("step-up for sensitive changes", () => {
  it("asks for a proof from the last 5 minutes before disabling MFA, regenerating codes or changing the email", async () => {
    const account = await registerAccount(server);
    const secret = await withMfa(account);
    const stale = await ageProof(account.tokens, account.user.id);
    const token = stale.accessToken;
    const code = await generate({ secret, epoch: nowSeconds() + 30 });

    const disabled = await server.graphql(DisableMfaDocument, { code }, { token });
    expect(disabled.data!.disableMfa.userErrors[0]?.code).toBe("STEP_UP_REQUIRED");
    const regenerated = await server.graphql(RegenerateRecoveryCodesDocument, { code }, { token });
    expect(regenerated.data!.regenerateRecoveryCodes.userErrors[0]?.code).toBe("STEP_UP_REQUIRED");
    const emailChange = await server.graphql(RequestEmailChangeDocument, { newEmail: uniqueEmail("moved"), password: strongPassword }, { token });
    expect(emailChange.data!.requestEmailChange.userErrors[0]?.code).toBe("STEP_UP_REQUIRED");
    expect(await server.deps.database.prisma.mfaFactor.count({ where: { userId: account.user.id } })).toBe(1);

    const wrong = await server.graphql(ReauthenticateDocument, { password: "not the password at all" }, { token });
    expect(wrong.data!.reauthenticate.userErrors[0]?.code).toBe("WRONG_PASSWORD");
    const proved = await server.graphql(ReauthenticateDocument, { password: strongPassword }, { token });
    const fresh = proved.data!.reauthenticate.tokens!;
    expect(nowSeconds() - claimsOf(fresh.accessToken).auth_time).toBeLessThan(5);
    expect(claimsOf((await server.graphql(RefreshTokenDocument, { refreshToken: fresh.refreshToken })).data!.refreshToken.tokens!.accessToken).auth_time).toBe(claimsOf(fresh.accessToken).auth_time);

    const nowDisabled = await server.graphql(DisableMfaDocument, { code }, { token: fresh.accessToken });
    expect(nowDisabled.data!.disableMfa).toEqual({ ok: true, userErrors: [] });
  });

  it("takes an authenticator code as the proof too, adding otp", async () => {
    const account = await registerAccount(server);
    const secret = await withMfa(account);
    const stale = await ageProof(account.tokens, account.user.id);
    const proved = await server.graphql(ReauthenticateDocument, { code: await generate({ secret, epoch: nowSeconds() + 30 }) }, { token: stale.accessToken });
    expect(claimsOf(proved.data!.reauthenticate.tokens!.accessToken).amr).toEqual(["pwd", "otp"]);
    const reused = await server.graphql(ReauthenticateDocument, { code: await generate({ secret, epoch: nowSeconds() + 30 }) }, { token: stale.accessToken });
    expect(reused.data!.reauthenticate.userErrors[0]?.code).toBe("INVALID_MFA_CODE");
  });
});

describe("a company that requires MFA", () => {
  it("makes members enrol before anything else in that company, with a code that says so", async () => {
    const { companyId, members } = await organizationWithRoles(server, "Careful Capital");
    const owner = members.OWNER;
    const withoutOwnMfa = await server.graphql(UpdateCompanySettingsDocument, { companyId, input: { mfaRequired: true } }, { token: owner.tokens.accessToken });
    expect(withoutOwnMfa.data!.updateCompanySettings.userErrors[0]).toMatchObject({ code: "MFA_ENROLMENT_REQUIRED", field: ["input", "mfaRequired"] });
    await withMfa(owner);
    const ownerTokens = (await server.graphql(RefreshTokenDocument, { refreshToken: owner.tokens.refreshToken })).data!.refreshToken.tokens!;
    const enabled = await server.graphql(UpdateCompanySettingsDocument, { companyId, input: { mfaRequired: true } }, { token: ownerTokens.accessToken });
    expect(enabled.data!.updateCompanySettings.userErrors).toEqual([]);

    const member = members.MEMBER;
    const refused = await server.graphql(CompanyNameDocument, { id: companyId }, { token: member.tokens.accessToken });
    expect(refused.errors?.[0]?.extensions?.code).toBe("MFA_ENROLMENT_REQUIRED");
    expect((await server.graphql(MeDocument, {}, { token: member.tokens.accessToken })).data!.me?.id).toBe(member.user.id);

    await withMfa(member);
    const refreshed = (await server.graphql(RefreshTokenDocument, { refreshToken: member.tokens.refreshToken })).data!.refreshToken.tokens!;
    expect(claimsOf(refreshed.accessToken).amr).toContain("otp");
    const allowed = await server.graphql(CompanyNameDocument, { id: companyId }, { token: refreshed.accessToken });
    expect(allowed.data!.company).toEqual({ id: companyId, name: "Careful Capital" });

    // Switching a session into the company is refused the same way until the member has enrolled.
    const switched = await tokensIn(server, members.VIEWER, companyId).catch((error: Error) => error);
    expect(String(switched)).toContain("MFA_ENROLMENT_REQUIRED");
  });
});
