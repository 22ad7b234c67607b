import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginDocument, LogoutDocument, MeDocument, RefreshTokenDocument, RegisterDocument } from "./generated/graphql.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: "trace" });
});

afterAll(async () => {
  await server?.close();
});

describe("logs", () => {
  it("never contain a password, a password hash, an access token or a refresh token", async () => {
    const password = "Pa55word-that-must-not-leak";
    const email = `logs-${Date.now()}@example.com`;
    const registered = await server.graphql(RegisterDocument, { input: { email, password, fullName: "Log Reader" } });
    const tokens = registered.data!.register.tokens!;
    const signedIn = (await server.graphql(LoginDocument, { input: { email, password } })).data!.login.tokens!;
    await server.graphql(LoginDocument, { input: { email, password: `${password}-wrong` } });
    await server.graphql(RegisterDocument, { input: { email, password: "short-pass", fullName: "Again" } });
    const refreshed = (await server.graphql(RefreshTokenDocument, { refreshToken: signedIn.refreshToken })).data!.refreshToken.tokens!;
    await server.graphql(MeDocument, {}, { token: refreshed.accessToken });
    await server.graphql(MeDocument, {}, { token: `${tokens.accessToken.slice(0, -4)}AAAA` });
    await server.graphql(LogoutDocument, {}, { token: refreshed.accessToken });
    await server.graphql(MeDocument, {}, { token: refreshed.accessToken });

    const stored = await server.deps.database.prisma.user.findUniqueOrThrow({ where: { email }, select: { passwordHash: true } });
    const written = JSON.stringify(server.logLines);
    expect(server.logLines.length).toBeGreaterThan(0);
    const secrets = [password, "short-pass", stored.passwordHash!, ...[tokens, signedIn, refreshed].flatMap((pair) => [pair.accessToken, pair.refreshToken])];
    for (const secret of secrets) {
      expect(written).not.toContain(secret);
      expect(written).not.toContain(secret.split(".").at(-1)!);
    }
  });
});
