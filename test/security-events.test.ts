import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfirmTotpDocument, EnrollTotpDocument, RiskyLoginDocument, SecurityEventsDocument, VerifyMfaDocument } from "./generated/graphql.js";
import { registerAccount, strongPassword } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { startSmtpSink, type SmtpSink } from "./support/smtp-sink.js";
import { organizationWithRoles } from "./support/tenancy.js";

let sink: SmtpSink;
let server: TestServer;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: sink.url, TRUSTED_PROXIES: "127.0.0.1", RATE_LIMIT_LOGIN_PER_ACCOUNT: "off" });
});

afterAll(async () => {
  await server?.close();
  await sink?.close();
});

const usualPlace = { ip: "192.0.2.10", userAgent: "Mozilla/5.0 (usual laptop)" };
const strangePlace = { ip: "198.51.100.77", userAgent: "python-requests/2.32" };

async function loginFrom(email: string, place: { ip: string; userAgent: string }, password = strongPassword) {
  const result = await server.graphql(RiskyLoginDocument, { input: { email, password } }, { headers: { "x-forwarded-for": place.ip, "user-agent": place.userAgent } });
  return result.data!.login;
}

/** An account that has signed in three times from its usual place, so location and device are judged. */
async function accountWithHistory() {
  const account = await registerAccount(server);
  for (let login = 0; login < 3; login++) expect((await loginFrom(account.email, usualPlace)).tokens).toBeTruthy();
  return account;
}

const signInCode = async (email: string) => {
  const mail = await sink.waitForMessage((message) => message.subject === "Your sign-in code" && (message.to as { text: string }).text === email);
  return /code is (\d{6})/.exec(mail.text!)![1]!;
};

describe("suspicious sign-ins", () => {
  it("signs in from the usual network and device without a second step", async () => {
    const account = await accountWithHistory();
    const sameNetwork = await loginFrom(account.email, { ...usualPlace, ip: "192.0.2.200" });
    expect(sameNetwork).toMatchObject({ mfaRequired: false, userErrors: [] });
    const events = await server.graphql(SecurityEventsDocument, {}, { token: sameNetwork.tokens!.accessToken });
    expect(events.data!.securityEvents).toEqual([]);
  });

  it("asks for a mailed 6-digit code when a new network and a new device come together, answered through verifyMfa once", async () => {
    const account = await accountWithHistory();
    const login = await loginFrom(account.email, strangePlace);
    expect(login).toMatchObject({ tokens: null, mfaRequired: true, mfaMethod: "EMAIL_CODE", userErrors: [] });
    const code = await signInCode(account.email);

    const wrong = await server.graphql(VerifyMfaDocument, { challengeId: login.mfaChallengeId!, code: code === "000000" ? "111111" : "000000" });
    expect(wrong.data!.verifyMfa.userErrors[0]?.code).toBe("INVALID_MFA_CODE");
    const passed = await server.graphql(VerifyMfaDocument, { challengeId: login.mfaChallengeId!, code });
    expect(passed.data!.verifyMfa.tokens?.accessToken).toBeTruthy();
    const replayed = await server.graphql(VerifyMfaDocument, { challengeId: login.mfaChallengeId!, code });
    expect(replayed.data!.verifyMfa.userErrors[0]?.code).toBe("INVALID_MFA_CHALLENGE");

    const events = (await server.graphql(SecurityEventsDocument, {}, { token: passed.data!.verifyMfa.tokens!.accessToken })).data!.securityEvents;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ user: { id: account.user.id }, action: "step_up", ip: strangePlace.ip, riskScore: 0.5 });
    expect([...events[0]!.patterns].sort()).toEqual(["new_device", "unusual_location"]);
    const stored = await server.deps.database.prisma.oneTimeToken.findFirstOrThrow({ where: { userId: account.user.id, purpose: "MFA_CHALLENGE" } });
    expect(JSON.stringify(stored.payload)).not.toContain(code);
  });

  it("asks an account with MFA for its authenticator code, and tells the user by mail", async () => {
    const account = await accountWithHistory();
    const token = account.tokens.accessToken;
    const { secret } = (await server.graphql(EnrollTotpDocument, {}, { token })).data!.enrollTotp.enrollment!;
    await server.graphql(ConfirmTotpDocument, { code: await generate({ secret }) }, { token });
    const login = await loginFrom(account.email, strangePlace);
    expect(login).toMatchObject({ mfaRequired: true, mfaMethod: "TOTP" });
    await sink.waitForMessage((message) => message.subject === "A sign-in to your account was flagged" && (message.to as { text: string }).text === account.email);
  });

  it("locks the account and alerts the user when the score is high, even with the right password", async () => {
    const account = await accountWithHistory();
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    await server.deps.database.prisma.loginAttempt.createMany({
      data: Array.from({ length: 5 }, () => ({ userId: account.user.id, email: account.email, success: false, reason: "wrong_password", ip: strangePlace.ip, createdAt: twentyMinutesAgo })),
    });
    const login = await loginFrom(account.email, strangePlace);
    expect(login.userErrors[0]?.code).toBe("ACCOUNT_LOCKED");
    expect(login.tokens).toBeNull();
    const user = await server.deps.database.prisma.user.findUniqueOrThrow({ where: { id: account.user.id }, select: { lockedUntil: true } });
    expect(user.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    const event = await server.deps.database.prisma.securityEvent.findFirstOrThrow({ where: { userId: account.user.id } });
    expect(event).toMatchObject({ action: "locked", riskScore: 0.85 });
    await sink.waitForMessage((message) => message.subject === "We locked your account after a risky sign-in" && (message.to as { text: string }).text === account.email);
    expect((await loginFrom(account.email, usualPlace)).userErrors[0]?.code).toBe("ACCOUNT_LOCKED");
  });
});

describe("securityEvents", () => {
  it("shows a member's events to ADMIN+ of the active company only", async () => {
    const { members } = await organizationWithRoles(server, "Watchful Ltd");
    const stranger = await organizationWithRoles(server, "Elsewhere Inc");
    await server.deps.database.prisma.securityEvent.create({
      data: { userId: members.MEMBER.user.id, patterns: ["unusual_location", "new_device"], riskScore: 0.5, action: "step_up", ip: strangePlace.ip },
    });
    const asks = (token: string) => server.graphql(SecurityEventsDocument, { userId: members.MEMBER.user.id }, { token });

    expect((await asks(members.ADMIN.tokens.accessToken)).data!.securityEvents).toHaveLength(1);
    expect((await asks(members.OWNER.tokens.accessToken)).data!.securityEvents).toHaveLength(1);
    expect((await asks(members.MEMBER.tokens.accessToken)).data!.securityEvents).toHaveLength(1);
    for (const token of [members.MANAGER.tokens.accessToken, members.VIEWER.tokens.accessToken, stranger.members.ADMIN.tokens.accessToken]) {
      const refused = await asks(token);
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("refuses a page size outside 1..200", async () => {
    const account = await registerAccount(server);
    const result = await server.graphql(SecurityEventsDocument, { first: 500 }, { token: account.tokens.accessToken });
    expect(result.errors?.[0]?.extensions?.code).toBe("OUT_OF_RANGE");
  });
});
