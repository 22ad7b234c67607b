import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LogoutAllSessionsDocument, LogoutDocument, MeDocument } from "./generated/graphql.js";
import { registerAccount, signIn } from "./support/accounts.js";
import { redisServerAvailable, startPrivateRedis, type PrivateRedis } from "./support/redis.js";
import { replicasCanRun, startReplicaPair, type ReplicaPair } from "./support/replicas.js";
import type { TestServer } from "./support/server.js";

const healthOf = async (server: TestServer) => (await (await fetch(`${server.url}/health`)).json()) as { status: string };
/** Stands in on the stopped server's port, counting and dropping every reconnect attempt. */
async function countConnectionAttempts(port: number) {
  let attempts = 0;
  const listener = createServer((socket) => {
    attempts++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(port, "127.0.0.1", resolve));
  return { attempts: () => attempts, close: () => new Promise((resolve) => listener.close(resolve)) };
}

// A private redis-server: these tests stop it, which they must never do to the shared one.
describe.runIf(replicasCanRun && redisServerAvailable)("revocations through a Redis outage", () => {
  let redis: PrivateRedis;
  let pair: ReplicaPair;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    pair = await startReplicaPair("revocations-outage", { redisUrl: redis.url });
    ({ first, second } = pair);
  });

  afterAll(async () => {
    await pair?.close();
    await redis?.dispose();
  });

  it("a logout made on one replica while Redis is down is refused on the other within 1 s of Redis returning", async () => {
    const account = await registerAccount(first);
    const token = account.tokens.accessToken;
    expect((await second.graphql(MeDocument, {}, { token })).data?.me?.id).toBe(account.user.id);

    await redis.stop();
    await vi.waitFor(async () => expect((await healthOf(first)).status).toBe("degraded"), { timeout: 5_000 });
    await first.graphql(LogoutDocument, {}, { token });
    // The other replica cannot hear of it yet: it still answers from what it knew.
    expect((await second.graphql(MeDocument, {}, { token })).status).toBe(200);

    await redis.start();
    const back = Date.now();
    await vi.waitFor(async () => expect((await second.graphql(MeDocument, {}, { token })).status).toBe(401), { timeout: 5_000, interval: 20 });
    expect(Date.now() - back).toBeLessThan(1_000);
  });

  it("signing out everywhere on one replica during the outage ends another device's session on the other once Redis is back", async () => {
    const account = await registerAccount(first);
    const otherDevice = (await signIn(first, account.email)).accessToken;
    expect((await second.graphql(MeDocument, {}, { token: otherDevice })).status).toBe(200);

    await redis.stop();
    await vi.waitFor(async () => expect((await healthOf(first)).status).toBe("degraded"), { timeout: 5_000 });
    expect((await first.graphql(LogoutAllSessionsDocument, {}, { token: account.tokens.accessToken })).data?.logoutAllSessions.ok).toBe(true);
    expect((await second.graphql(MeDocument, {}, { token: otherDevice })).status).toBe(200);

    await redis.start();
    const back = Date.now();
    await vi.waitFor(async () => expect((await second.graphql(MeDocument, {}, { token: otherDevice })).status).toBe(401), { timeout: 5_000, interval: 20 });
    expect(Date.now() - back).toBeLessThan(1_000);
  });

  it("under token-only load through a Redis outage: no failed request, /health degraded then healthy, bounded reconnects", async () => {
    const accounts = await Promise.all(Array.from({ length: 5 }, () => registerAccount(first)));
    const tokens = accounts.map((account) => account.tokens.accessToken);
    for (const token of tokens) expect((await second.graphql(MeDocument, {}, { token })).status).toBe(200);

    let stopped = false;
    const failures: number[] = [];
    let answered = 0;
    let attempts = 0;
    let listenedMs = 0;
    const worker = async (index: number) => {
      while (!stopped) {
        const response = await second.graphql("{ me { id } }", {}, { token: tokens[index % tokens.length] });
        if (response.status !== 200 || response.errors) failures.push(response.status);
        answered++;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, index) => worker(index)));
    try {
      const outageMs = 4_000;
      await redis.stop();
      await vi.waitFor(async () => expect((await healthOf(second)).status).toBe("degraded"), { timeout: 5_000 });
      const standIn = await countConnectionAttempts(redis.port);
      const listening = Date.now();
      await new Promise((resolve) => setTimeout(resolve, outageMs));
      await standIn.close();
      attempts = standIn.attempts();
      listenedMs = Date.now() - listening;
      await redis.start();
      const back = Date.now();
      await vi.waitFor(async () => expect((await healthOf(second)).status).toBe("healthy"), { timeout: 5_000, interval: 20 });
      expect(Date.now() - back).toBeLessThan(2_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      stopped = true;
      await load;
    }
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(100);
    // Each replica has the cache's two clients (at least 250 ms between attempts once past the first five) and the
    // rate limiter's (ioredis' default: 50 ms longer each attempt, so n attempts take 25·n·(n+1) ms); a storm is thousands.
    expect(attempts).toBeGreaterThan(0);
    const cacheAttempts = 2 * 2 * (listenedMs / 250 + 5);
    const rateLimiterAttempts = 2 * Math.ceil(Math.sqrt(listenedMs / 25));
    expect(attempts).toBeLessThanOrEqual(cacheAttempts + rateLimiterAttempts);
  });
});
