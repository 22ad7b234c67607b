import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeDocument, RegisterDocument } from "./generated/graphql.js";
import { registerAccount, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const userCount = () => server.deps.database.prisma.user.count();

describe("register", () => {
  it("creates the user, an individual company they own with a FREE subscription, and a signed-in session", async () => {
    const email = uniqueEmail("Ann").replace("ann", "ANN");
    const result = await server.graphql(RegisterDocument, {
      input: { email, password: strongPassword, fullName: "  Ann Example ", investmentProfile: "MODERATE", riskTolerance: "LOW" },
    });
    const payload = result.data!.register;
    expect(payload.userErrors).toEqual([]);
    expect(payload.status).toBe("PENDING");
    expect(payload.user).toMatchObject({ email: email.toLowerCase(), fullName: "Ann Example", registrationType: "EMAIL", verificationStatus: "PENDING" });
    expect(payload.tokens).toMatchObject({ tokenType: "Bearer", expiresIn: 3600 });

    const prisma = server.deps.database.prisma;
    const stored = await prisma.user.findUniqueOrThrow({
      where: { id: payload.user!.id },
      include: { memberships: { include: { company: { include: { subscription: true } } } }, sessions: true },
    });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored.memberships).toHaveLength(1);
    expect(stored.memberships[0]).toMatchObject({ role: "OWNER", company: { type: "INDIVIDUAL", subscription: { tier: "FREE", status: "ACTIVE" } } });
    expect(stored.sessions).toHaveLength(1);

    const me = await server.graphql(MeDocument, {}, { token: payload.tokens!.accessToken });
    expect(me.data?.me).toMatchObject({ id: stored.id, investmentProfile: "MODERATE", riskTolerance: "LOW", activeCompany: { type: "INDIVIDUAL" } });
  });

  it("answers EMAIL_TAKEN for an address already registered in another case, and writes nothing", async () => {
    const { email } = await registerAccount(server);
    const before = await userCount();
    const result = await server.graphql(RegisterDocument, { input: { email: email.toUpperCase(), password: strongPassword, fullName: "Copy" } });
    expect(result.data?.register.userErrors).toEqual([{ field: ["input", "email"], code: "EMAIL_TAKEN", message: expect.any(String) }]);
    expect(result.data?.register.tokens).toBeNull();
    expect(await userCount()).toBe(before);
  });

  it("lets exactly one of two concurrent registrations of one email (different case) win", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.all(
      [email, email.toUpperCase()].map((address) =>
        server.graphql(RegisterDocument, { input: { email: address, password: strongPassword, fullName: "Racer" } }),
      ),
    );
    const codes = results.map((result) => result.data?.register.userErrors.map((error) => error.code) ?? ["HTTP " + result.status]);
    expect(codes.sort()).toEqual([[], ["EMAIL_TAKEN"]]);
    expect(await server.deps.database.prisma.user.count({ where: { email: email.toLowerCase() } })).toBe(1);
    expect(await server.deps.database.prisma.company.count({ where: { name: "Racer" } })).toBe(1);
  });

  it.each([
    ["a short password", { password: "elevenchars" }, "PASSWORD_TOO_SHORT", ["input", "password"]],
    ["a password over 128 characters", { password: "x".repeat(129) }, "PASSWORD_TOO_LONG", ["input", "password"]],
    ["the email as password", { password: "SAME@example.com", email: "same@example.com" }, "PASSWORD_SAME_AS_EMAIL", ["input", "password"]],
    ["no password", { password: null }, "REQUIRED", ["input", "password"]],
    ["a blank name", { fullName: "   " }, "REQUIRED", ["input", "fullName"]],
    ["a 1 MB name", { fullName: "n".repeat(1024 * 1024) }, "TOO_LONG", ["input", "fullName"]],
    ["an SSO type without configuration", { registrationType: "GOOGLE" as const }, "UNSUPPORTED_REGISTRATION_TYPE", ["input", "registrationType"]],
  ])("refuses %s with a userError and writes nothing", async (_case, override, code, field) => {
    const before = await userCount();
    const result = await server.graphql(RegisterDocument, {
      input: { email: uniqueEmail(), password: strongPassword, fullName: "Valid Name", ...override },
    });
    expect(result.status).toBe(200);
    expect(result.data?.register.userErrors).toContainEqual({ field, code, message: expect.any(String) });
    expect(result.data?.register.user).toBeNull();
    expect(await userCount()).toBe(before);
  });

  it("rejects a malformed email or a missing field in GraphQL validation, writing nothing", async () => {
    const before = await userCount();
    const malformed = await server.graphql(RegisterDocument, { input: { email: "not-an-email", password: strongPassword, fullName: "X" } });
    expect(malformed.status).toBe(400);
    expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const missing = await server.graphql(RegisterDocument, { input: { email: uniqueEmail(), password: strongPassword } as never });
    expect(missing.status).toBe(400);
    expect(missing.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await userCount()).toBe(before);
  });
});
