import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../src/platform/crypto.js";
import {
  ChangePasswordDocument,
  ConfirmEmailChangeDocument,
  LoginDocument,
  MeDocument,
  RefreshTokenDocument,
  RequestEmailChangeDocument,
  RequestEmailVerificationDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  VerifyEmailDocument,
} from "./generated/graphql.js";
import { registerAccount, signIn, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { startSmtpSink, type SmtpSink } from "./support/smtp-sink.js";

const appUrl = "https://trade.example.com/app";
const newPassword = "a whole new passphrase 42";

let sink: SmtpSink;
let server: TestServer;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: sink.url, PUBLIC_APP_URL: appUrl });
});

afterAll(async () => {
  await server?.close();
  await sink?.close();
});

/** The next mail to `to` whose subject matches, and the token its link carries. */
async function mailTo(to: string, subject: RegExp): Promise<{ mail: ParsedMail; token: string; link: string }> {
  const mail = await sink.waitForMessage((message) => message.to !== undefined && JSON.stringify(message.to).includes(to) && subject.test(message.subject ?? ""));
  const link = /https:\/\/\S+/.exec(mail.text ?? "")?.[0] ?? "";
  return { mail, link, token: new URL(link || "https://x").searchParams.get("token") ?? "" };
}

function mailsTo(to: string): ParsedMail[] {
  return sink.messages.filter((message) => JSON.stringify(message.to).includes(to));
}

describe("email verification", () => {
  it("mails a link whose single-use token verifies the address", async () => {
    const account = await registerAccount(server);
    const token = account.tokens.accessToken;
    expect((await server.graphql(RequestEmailVerificationDocument, {}, { token })).data!.requestEmailVerification.ok).toBe(true);
    const mailed = await mailTo(account.email, /Confirm your email/);
    expect(mailed.link.startsWith(`${appUrl}/verify-email?token=`)).toBe(true);

    const stored = await server.deps.database.prisma.oneTimeToken.findMany({ where: { userId: account.user.id } });
    expect(stored.map((row) => row.tokenHash)).toEqual([sha256Hex(mailed.token)]);
    expect(JSON.stringify(server.logLines)).not.toContain(mailed.token);

    expect((await server.graphql(VerifyEmailDocument, { token: mailed.token })).data!.verifyEmail).toEqual({ ok: true, userErrors: [] });
    expect((await server.graphql(MeDocument, {}, { token })).data!.me!.verificationStatus).toBe("VERIFIED");
    const again = await server.graphql(VerifyEmailDocument, { token: mailed.token });
    expect(again.data!.verifyEmail.userErrors.map((error) => error.code)).toEqual(["INVALID_TOKEN"]);
  });

  it("refuses unknown and expired tokens, and a superseded one", async () => {
    const shortLived = await startTestServer({ SMTP_URL: sink.url, EMAIL_VERIFICATION_TTL_SECONDS: "1" });
    try {
      const account = await registerAccount(shortLived);
      await shortLived.graphql(RequestEmailVerificationDocument, {}, { token: account.tokens.accessToken });
      const first = await mailTo(account.email, /Confirm your email/);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const expired = await shortLived.graphql(VerifyEmailDocument, { token: first.token });
      expect(expired.data!.verifyEmail.userErrors[0]!.code).toBe("INVALID_TOKEN");
      for (const token of ["", "x".repeat(500), "not-a-token"]) {
        expect((await shortLived.graphql(VerifyEmailDocument, { token })).data!.verifyEmail.userErrors[0]!.code).toBe("INVALID_TOKEN");
      }
      expect((await shortLived.graphql(MeDocument, {}, { token: account.tokens.accessToken })).data!.me!.verificationStatus).toBe("PENDING");
    } finally {
      await shortLived.close();
    }
    const account = await registerAccount(server);
    await server.graphql(RequestEmailVerificationDocument, {}, { token: account.tokens.accessToken });
    const older = await mailTo(account.email, /Confirm your email/);
    sink.messages.length = 0;
    await server.graphql(RequestEmailVerificationDocument, {}, { token: account.tokens.accessToken });
    const newer = await mailTo(account.email, /Confirm your email/);
    expect((await server.graphql(VerifyEmailDocument, { token: older.token })).data!.verifyEmail.userErrors[0]!.code).toBe("INVALID_TOKEN");
    expect((await server.graphql(VerifyEmailDocument, { token: newer.token })).data!.verifyEmail.ok).toBe(true);
  });
});

describe("password reset", () => {
  it("answers the same for unknown emails and mails nothing to them", async () => {
    const unknown = uniqueEmail("nobody");
    const result = await server.graphql(RequestPasswordResetDocument, { email: unknown });
    expect(result.data!.requestPasswordReset).toEqual({ ok: true, userErrors: [] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailsTo(unknown)).toEqual([]);
  });

  it("sets the new password with a 30-minute single-use token, ends every session and lifts a lockout", async () => {
    const account = await registerAccount(server);
    const laptop = await signIn(server, account.email);
    await server.deps.database.prisma.user.update({ where: { id: account.user.id }, data: { failedLoginCount: 7, lockedUntil: new Date(Date.now() + 3_600_000) } });

    const asked = await server.graphql(RequestPasswordResetDocument, { email: account.email.toUpperCase() });
    expect(asked.data!.requestPasswordReset).toEqual({ ok: true, userErrors: [] });
    const mailed = await mailTo(account.email, /Reset your password/);
    expect(mailed.link.startsWith(`${appUrl}/reset-password?token=`)).toBe(true);
    expect(Buffer.from(mailed.token, "base64url")).toHaveLength(32);
    const row = await server.deps.database.prisma.oneTimeToken.findFirstOrThrow({ where: { userId: account.user.id, purpose: "PASSWORD_RESET" } });
    expect(row.tokenHash).toBe(sha256Hex(mailed.token));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(30 * 60 * 1000);

    const weak = await server.graphql(ResetPasswordDocument, { token: mailed.token, newPassword: "short" });
    expect(weak.data!.resetPassword.userErrors[0]!.code).toBe("PASSWORD_TOO_SHORT");
    const reset = await server.graphql(ResetPasswordDocument, { token: mailed.token, newPassword });
    expect(reset.data!.resetPassword).toEqual({ ok: true, userErrors: [] });

    for (const tokens of [account.tokens, laptop]) {
      expect((await server.graphql(MeDocument, {}, { token: tokens.accessToken })).status).toBe(401);
      expect((await server.graphql(RefreshTokenDocument, { refreshToken: tokens.refreshToken })).data!.refreshToken.userErrors[0]!.code).toBe("INVALID_REFRESH_TOKEN");
    }
    const oldPassword = await server.graphql(LoginDocument, { input: { email: account.email, password: strongPassword } });
    expect(oldPassword.data!.login.userErrors[0]!.code).toBe("INVALID_CREDENTIALS");
    expect((await signIn(server, account.email, newPassword)).accessToken).toBeTruthy();
    await mailTo(account.email, /password was changed/);

    const replay = await server.graphql(ResetPasswordDocument, { token: mailed.token, newPassword: "yet another passphrase 7" });
    expect(replay.data!.resetPassword.userErrors[0]!.code).toBe("INVALID_TOKEN");
    expect(JSON.stringify(server.logLines)).not.toContain(mailed.token);
  });
});

describe("changePassword", () => {
  it("needs the current password, keeps the current session and ends the others", async () => {
    const account = await registerAccount(server);
    const phone = await signIn(server, account.email);
    const token = account.tokens.accessToken;
    const wrong = await server.graphql(ChangePasswordDocument, { currentPassword: "not my password at all", newPassword }, { token });
    expect(wrong.data!.changePassword.userErrors[0]!.code).toBe("WRONG_PASSWORD");
    const same = await server.graphql(ChangePasswordDocument, { currentPassword: strongPassword, newPassword: account.email }, { token });
    expect(same.data!.changePassword.userErrors[0]!.code).toBe("PASSWORD_SAME_AS_EMAIL");
    expect((await server.graphql(MeDocument, {}, { token: phone.accessToken })).status).toBe(200);

    const changed = await server.graphql(ChangePasswordDocument, { currentPassword: strongPassword, newPassword }, { token });
    expect(changed.data!.changePassword).toEqual({ ok: true, userErrors: [] });
    expect((await server.graphql(MeDocument, {}, { token })).status).toBe(200);
    expect((await server.graphql(MeDocument, {}, { token: phone.accessToken })).status).toBe(401);
    expect((await signIn(server, account.email, newPassword)).accessToken).toBeTruthy();
    await mailTo(account.email, /password was changed/);
    expect(JSON.stringify(await server.deps.database.prisma.auditEvent.findMany({ where: { actorId: account.user.id } }))).not.toContain(newPassword);
  });

  it("needs a signed-in caller", async () => {
    const result = await server.graphql(ChangePasswordDocument, { currentPassword: strongPassword, newPassword });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("email change", () => {
  it("confirms through a link mailed to the new address, tells the old one, and signs in with the new email", async () => {
    const account = await registerAccount(server);
    const token = account.tokens.accessToken;
    const newEmail = uniqueEmail("moved");
    const wrong = await server.graphql(RequestEmailChangeDocument, { newEmail, password: "not my password at all" }, { token });
    expect(wrong.data!.requestEmailChange.userErrors[0]!.code).toBe("WRONG_PASSWORD");
    const taken = await registerAccount(server);
    const clash = await server.graphql(RequestEmailChangeDocument, { newEmail: taken.email, password: strongPassword }, { token });
    expect(clash.data!.requestEmailChange.userErrors[0]!.code).toBe("EMAIL_TAKEN");

    expect((await server.graphql(RequestEmailChangeDocument, { newEmail, password: strongPassword }, { token })).data!.requestEmailChange.ok).toBe(true);
    const confirmation = await mailTo(newEmail, /Confirm your new email/);
    expect(confirmation.link.startsWith(`${appUrl}/confirm-email-change?token=`)).toBe(true);
    const notice = await mailTo(account.email, /about to change/);
    expect(notice.mail.text).toContain(newEmail);
    expect(notice.mail.text).not.toContain(confirmation.token);
    expect((await server.graphql(MeDocument, {}, { token })).data!.me!.email).toBe(account.email);

    expect((await server.graphql(ConfirmEmailChangeDocument, { token: confirmation.token })).data!.confirmEmailChange.ok).toBe(true);
    const me = (await server.graphql(MeDocument, {}, { token })).data!.me!;
    expect(me).toMatchObject({ email: newEmail, verificationStatus: "VERIFIED" });
    await mailTo(account.email, /was changed/);
    expect((await signIn(server, newEmail)).accessToken).toBeTruthy();
    const again = await server.graphql(ConfirmEmailChangeDocument, { token: confirmation.token });
    expect(again.data!.confirmEmailChange.userErrors[0]!.code).toBe("INVALID_TOKEN");
  });

  it("refuses the confirmation when another account took the address in the meantime", async () => {
    const account = await registerAccount(server);
    const newEmail = uniqueEmail("contested");
    await server.graphql(RequestEmailChangeDocument, { newEmail, password: strongPassword }, { token: account.tokens.accessToken });
    const confirmation = await mailTo(newEmail, /Confirm your new email/);
    await registerAccount(server, { email: newEmail });
    const result = await server.graphql(ConfirmEmailChangeDocument, { token: confirmation.token });
    expect(result.data!.confirmEmailChange.userErrors[0]!.code).toBe("EMAIL_TAKEN");
    expect((await server.graphql(MeDocument, {}, { token: account.tokens.accessToken })).data!.me!.email).toBe(account.email);
  });
});
