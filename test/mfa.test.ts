import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../src/platform/crypto.js";
import {
  ConfirmTotpDocument,
  DisableMfaDocument,
  EnrollTotpDocument,
  LoginWithMfaDocument,
  MeDocument,
  MyMfaDocument,
  RegenerateRecoveryCodesDocument,
  VerifyMfaDocument,
} from "./generated/graphql.js";
import { registerAccount, strongPassword } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { startSmtpSink, type SmtpSink } from "./support/smtp-sink.js";

let sink: SmtpSink;
let server: TestServer;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: sink.url });
});

afterAll(async () => {
  await server?.close();
  await sink?.close();
});

const now = () => Math.floor(Date.now() / 1000);
/** The code an authenticator shows `steps` periods from now. */
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: now() + steps * 30 });

/** An account with MFA turned on: its TOTP secret and recovery codes. */
async function accountWithMfa() {
  const account = await registerAccount(server);
  const token = account.tokens.accessToken;
  const enrollment = (await server.graphql(EnrollTotpDocument, {}, { token })).data!.enrollTotp.enrollment!;
  const confirmed = await server.graphql(ConfirmTotpDocument, { code: await codeAt(enrollment.secret) }, { token });
  return { ...account, secret: enrollment.secret, recoveryCodes: confirmed.data!.confirmTotp.recoveryCodes! };
}

async function loginChallenge(email: string) {
  const result = await server.graphql(LoginWithMfaDocument, { input: { email, password: strongPassword } });
  return result.data!.login;
}

describe("TOTP enrolment", () => {
  it("shows a secret and otpauth URL once, stores the secret encrypted, and turns MFA on with a first code", async () => {
    const account = await registerAccount(server);
    const token = account.tokens.accessToken;
    const enrolled = (await server.graphql(EnrollTotpDocument, {}, { token })).data!.enrollTotp;
    const { secret, otpauthUrl } = enrolled.enrollment!;
    expect(otpauthUrl).toMatch(new RegExp(`^otpauth://totp/Trading%20Platform:${encodeURIComponent(account.email)}\\?secret=${secret}`));
    const stored = await server.deps.database.prisma.mfaFactor.findFirstOrThrow({ where: { userId: account.user.id } });
    expect(stored.secretEncrypted).not.toContain(secret);
    expect(server.deps.services.secretBox.open(stored.secretEncrypted)).toBe(secret);
    expect((await server.graphql(MyMfaDocument, {}, { token })).data!.me!.mfaEnabled).toBe(false);

    const wrong = await server.graphql(ConfirmTotpDocument, { code: "000000" }, { token });
    expect(wrong.data!.confirmTotp.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
    const confirmed = (await server.graphql(ConfirmTotpDocument, { code: await codeAt(secret) }, { token })).data!.confirmTotp;
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    const hashes = (await server.deps.database.prisma.recoveryCode.findMany({ where: { userId: account.user.id } })).map((row) => row.codeHash);
    expect(hashes.sort()).toEqual(confirmed.recoveryCodes!.map(sha256Hex).sort());
    expect((await server.graphql(MyMfaDocument, {}, { token })).data!.me!.mfaEnabled).toBe(true);
    expect((await server.graphql(EnrollTotpDocument, {}, { token })).data!.enrollTotp.userErrors[0]!.code).toBe("MFA_ALREADY_ENABLED");
    await sink.waitForMessage((mail) => JSON.stringify(mail.to).includes(account.email) && /Two-step sign-in is on/.test(mail.subject ?? ""));
    expect(JSON.stringify(server.logLines)).not.toContain(secret);
  });
});

describe("signing in with MFA", () => {
  it("answers mfaRequired with a challenge and no tokens, then signs in with a TOTP code used once", async () => {
    const account = await accountWithMfa();
    const first = await loginChallenge(account.email);
    expect(first).toMatchObject({ mfaRequired: true, tokens: null, userErrors: [] });
    expect(first.mfaChallengeId).toBeTruthy();

    const wrong = await server.graphql(VerifyMfaDocument, { challengeId: first.mfaChallengeId!, code: "123456" });
    expect(wrong.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
    const code = await codeAt(account.secret, 1);
    const passed = (await server.graphql(VerifyMfaDocument, { challengeId: first.mfaChallengeId!, code })).data!.verifyMfa;
    expect(passed).toMatchObject({ mfaRequired: false, user: { id: account.user.id, mfaEnabled: true }, userErrors: [] });
    expect((await server.graphql(MeDocument, {}, { token: passed.tokens!.accessToken })).data!.me!.id).toBe(account.user.id);

    const reused = await server.graphql(VerifyMfaDocument, { challengeId: first.mfaChallengeId!, code });
    expect(reused.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CHALLENGE");
    const second = await loginChallenge(account.email);
    const replay = await server.graphql(VerifyMfaDocument, { challengeId: second.mfaChallengeId!, code });
    expect(replay.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
    const older = await server.graphql(VerifyMfaDocument, { challengeId: second.mfaChallengeId!, code: await codeAt(account.secret, 0) });
    expect(older.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
    const expiredWindow = await server.graphql(VerifyMfaDocument, { challengeId: second.mfaChallengeId!, code: await codeAt(account.secret, 3) });
    expect(expiredWindow.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
  });

  it("accepts each recovery code once", async () => {
    const account = await accountWithMfa();
    const recovery = account.recoveryCodes[3]!;
    const challenge = await loginChallenge(account.email);
    const passed = await server.graphql(VerifyMfaDocument, { challengeId: challenge.mfaChallengeId!, code: recovery.toUpperCase() });
    expect(passed.data!.verifyMfa.tokens).toBeTruthy();
    const again = await loginChallenge(account.email);
    const replay = await server.graphql(VerifyMfaDocument, { challengeId: again.mfaChallengeId!, code: recovery });
    expect(replay.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
  });

  it("refuses guessed challenge ids, and a challenge after five wrong codes", async () => {
    const account = await accountWithMfa();
    for (const challengeId of ["", "guess", "x".repeat(500)]) {
      const result = await server.graphql(VerifyMfaDocument, { challengeId, code: await codeAt(account.secret) });
      expect(result.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CHALLENGE");
    }
    const challenge = await loginChallenge(account.email);
    for (let attempt = 0; attempt < 5; attempt++) {
      await server.graphql(VerifyMfaDocument, { challengeId: challenge.mfaChallengeId!, code: "000000" });
    }
    const late = await server.graphql(VerifyMfaDocument, { challengeId: challenge.mfaChallengeId!, code: await codeAt(account.secret, 1) });
    expect(late.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CHALLENGE");
  });
});

describe("managing MFA", () => {
  it("regenerates recovery codes (the old ones stop) and disables MFA, each only with a valid code", async () => {
    const account = await accountWithMfa();
    const token = account.tokens.accessToken;
    expect((await server.graphql(RegenerateRecoveryCodesDocument, { code: "000000" }, { token })).data!.regenerateRecoveryCodes.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
    const fresh = (await server.graphql(RegenerateRecoveryCodesDocument, { code: await codeAt(account.secret, 1) }, { token })).data!.regenerateRecoveryCodes.recoveryCodes!;
    expect(fresh).toHaveLength(10);
    const challenge = await loginChallenge(account.email);
    const old = await server.graphql(VerifyMfaDocument, { challengeId: challenge.mfaChallengeId!, code: account.recoveryCodes[0]! });
    expect(old.data!.verifyMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");

    expect((await server.graphql(DisableMfaDocument, { code: "000000" }, { token })).data!.disableMfa.userErrors[0]!.code).toBe("INVALID_MFA_CODE");
    expect((await server.graphql(DisableMfaDocument, { code: fresh[0]! }, { token })).data!.disableMfa).toEqual({ ok: true, userErrors: [] });
    expect((await server.graphql(MyMfaDocument, {}, { token })).data!.me!.mfaEnabled).toBe(false);
    const plain = await loginChallenge(account.email);
    expect(plain).toMatchObject({ mfaRequired: false, mfaChallengeId: null });
    expect(plain.tokens?.accessToken).toBeTruthy();
    expect((await server.graphql(DisableMfaDocument, { code: "000000" }, { token })).data!.disableMfa.userErrors[0]!.code).toBe("MFA_NOT_ENROLLED");
  });

  it("needs a signed-in caller", async () => {
    expect((await server.graphql(EnrollTotpDocument, {})).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
