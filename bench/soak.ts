import { randomBytes } from "node:crypto";
import { once } from "node:events";
import net from "node:net";
import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import { scrape } from "../test/support/metrics.js";
import { isFullMembersPage, membersQuery, seedMembersCompany } from "./members-page.js";
import { accessTokenOf, loginMutation, meQuery, postGraphQL, registerMutation, type GraphQLBody } from "./operations.js";
import { createBenchDatabase, realServices } from "./scratch-database.js";
import { benchSigningKeys, passUsersThrough, seedUsers } from "./seeded-users.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { makeTempDir } from "./temp-dir.js";

export interface SoakOptions {
  durationSeconds: number;
  windowSeconds: number;
  /** Requests in flight at once, spread over both replicas. */
  concurrency: number;
  /** The replicas' entry (compiled JavaScript as production runs it, or `src/main.ts`). */
  entry?: string;
  /** Environment the replicas start with besides the soak's own, such as production's Node.js settings (`productionNodeEnv()`). */
  serverEnv?: Record<string, string>;
  /** Distinct users passed through each replica before the measured windows, so its caches start at their bounds (0: start empty). */
  prefillUsers?: number;
}

/** A replica's memory at a window's end, MiB, from its /metrics. */
export interface ReplicaMemory {
  rss: number;
  heapUsed: number;
  /** The in-process caches' estimated bytes together (`cache_estimated_bytes`). */
  caches: number;
}

export interface SoakWindow {
  endsAtSecond: number;
  requests: number;
  errors: number;
  p99Ms: number;
  /** Replica A's and B's. */
  memoryMiB: [ReplicaMemory, ReplicaMemory];
}

export interface SoakResult {
  durationSeconds: number;
  requests: number;
  errors: number;
  /** The first error messages, at most five. */
  errorSamples: string[];
  windows: SoakWindow[];
  prefilledUsers: number;
  prefillSeconds: number;
  /** (max - min) / min of each replica's RSS over the windows after the first. */
  rssSpread: [number, number];
  /** The same of RSS less the caches' estimated bytes: what the caches filling toward their bounds does not explain. */
  rssBesideCachesSpread: [number, number];
  p99SpreadMs: { min: number; max: number };
}

interface Replica {
  server: ServerProcess;
  managementUrl: string;
}

interface Fixture {
  memberCompanyId: string;
  ownerToken: string;
  loginAccounts: Array<{ email: string; password: string }>;
  refreshTokens: string[];
}

// Weights of the mix: login and invitations are argon2-bound, so they stay a small share.
const mix = [
  { name: "me", weight: 40 },
  { name: "membersPage", weight: 25 },
  { name: "refresh", weight: 25 },
  { name: "login", weight: 6 },
  { name: "invitation", weight: 4 },
] as const;
type OperationName = (typeof mix)[number]["name"];

const refreshMutation = `mutation Refresh($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { tokens { refreshToken } } }`;
const inviteMutation = `mutation Invite($companyId: ID!, $email: EmailAddress!) {
  inviteUser(companyId: $companyId, input: { email: $email, role: VIEWER }) { invitationCode userErrors { code message } }
}`;
const joinMutation = `mutation Join($input: RegisterInput!) {
  register(input: $input) { user { id } tokens { accessToken } userErrors { field code message } }
}`;
const removeMutation = `mutation Remove($userId: ID!, $companyId: ID!) { removeMember(userId: $userId, companyId: $companyId) { ok userErrors { code message } } }`;

/** Two replicas on one scratch database and Redis, a mixed load against both for `durationSeconds`, sampled per window. */
export async function runSoak({ durationSeconds, windowSeconds, concurrency, entry = "src/main.ts", serverEnv = {}, prefillUsers = 0 }: SoakOptions): Promise<SoakResult> {
  const { databaseUrl, redisUrl } = realServices();
  const { signingKeys, mintAccessToken } = await benchSigningKeys();
  const database = await createBenchDatabase(databaseUrl);
  const env = {
    ...serverEnv,
    DATABASE_URL: database,
    JWT_SIGNING_KEYS: signingKeys,
    REDIS_URL: redisUrl,
    REDIS_NAMESPACE: `um-soak-${randomBytes(4).toString("hex")}`,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "warn",
    // The soak measures the service under load, not the rate limiter's refusals of one client address.
    ...Object.fromEntries(["LOGIN", "REGISTER", "REFRESH"].flatMap((action) => [[`RATE_LIMIT_${action}_PER_IP`, "off"], [`RATE_LIMIT_${action}_PER_ACCOUNT`, "off"]])),
  };
  const replicas = [await startReplica("replica A", entry, env), await startReplica("replica B", entry, env)];
  try {
    const fixture = await seed(replicas[0]!.server.url, concurrency);
    const prefillStarted = performance.now();
    if (prefillUsers > 0) {
      const users = await seedUsers(database, prefillUsers);
      await passUsersThrough(replicas.map((replica) => replica.server.url), users, mintAccessToken);
    }
    const prefillSeconds = Math.round((performance.now() - prefillStarted) / 100) / 10;
    const errorSamples: string[] = [];
    let errors = 0;
    let requests = 0;
    let latency = createHistogram();
    let windowRequests = 0;
    let windowErrors = 0;
    const windows: SoakWindow[] = [];
    const startedAt = performance.now();
    const endsAt = startedAt + durationSeconds * 1000;

    const worker = async (index: number) => {
      let turn = index;
      while (performance.now() < endsAt) {
        const replica = replicas[turn % 2]!;
        const operation = pick(turn);
        turn += 1;
        const before = performance.now();
        try {
          await run(operation, replica.server.url, fixture, index);
        } catch (error) {
          errors += 1;
          windowErrors += 1;
          if (errorSamples.length < 5) errorSamples.push(`${operation}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
        }
        latency.record(Math.max(1, Math.round((performance.now() - before) * 1000)));
        requests += 1;
        windowRequests += 1;
      }
    };
    const sampler = (async () => {
      let windowEnd = startedAt + windowSeconds * 1000;
      while (windowEnd <= endsAt + 1) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowEnd - performance.now())));
        const memoryMiB = (await Promise.all(replicas.map(memoryOf))) as [ReplicaMemory, ReplicaMemory];
        windows.push({ endsAtSecond: Math.round((windowEnd - startedAt) / 1000), requests: windowRequests, errors: windowErrors, p99Ms: Math.round(latency.percentile(99) / 100) / 10, memoryMiB });
        latency = createHistogram();
        windowRequests = 0;
        windowErrors = 0;
        windowEnd += windowSeconds * 1000;
      }
    })();
    await Promise.all([...Array.from({ length: concurrency }, (_, index) => worker(index)), sampler]);
    const afterWarmUp = windows.length > 1 ? windows.slice(1) : windows;
    const spread = (values: number[]) => Math.round(((Math.max(...values) - Math.min(...values)) / Math.min(...values)) * 1000) / 1000;
    const p99s = afterWarmUp.map((window) => window.p99Ms);
    return {
      durationSeconds,
      requests,
      errors,
      errorSamples,
      windows,
      prefilledUsers: prefillUsers,
      prefillSeconds,
      rssSpread: [0, 1].map((replica) => spread(afterWarmUp.map((w) => w.memoryMiB[replica]!.rss))) as [number, number],
      rssBesideCachesSpread: [0, 1].map((replica) => spread(afterWarmUp.map((w) => w.memoryMiB[replica]!.rss - w.memoryMiB[replica]!.caches))) as [number, number],
      p99SpreadMs: { min: Math.min(...p99s), max: Math.max(...p99s) },
    };
  } finally {
    await Promise.all(replicas.map((replica) => replica.server.stop()));
  }
}

// A fixed rotation through the weights, offset per worker: every window sees the same mix.
const rotation: OperationName[] = mix.flatMap(({ name, weight }) => Array.from({ length: weight }, () => name));
function pick(turn: number): OperationName {
  return rotation[(turn * 37) % rotation.length]!;
}

async function run(operation: OperationName, url: string, fixture: Fixture, worker: number): Promise<void> {
  const owner = { authorization: `Bearer ${fixture.ownerToken}` };
  switch (operation) {
    case "me":
      return expect(await postGraphQL(url, JSON.stringify({ query: meQuery }), owner), (body) => Boolean((body.data?.me as { id?: string } | undefined)?.id));
    case "membersPage": {
      const body = await postGraphQL(url, JSON.stringify({ query: membersQuery, variables: { id: fixture.memberCompanyId } }), owner);
      if (!isFullMembersPage(JSON.stringify(body))) throw new Error(`members page incomplete: ${JSON.stringify(body).slice(0, 200)}`);
      return;
    }
    case "refresh": {
      const body = await postGraphQL(url, JSON.stringify({ query: refreshMutation, variables: { refreshToken: fixture.refreshTokens[worker] } }));
      const next = (body.data?.refreshToken as { tokens?: { refreshToken?: string } | null } | undefined)?.tokens?.refreshToken;
      if (!next) throw new Error(`refresh failed: ${JSON.stringify(body).slice(0, 200)}`);
      fixture.refreshTokens[worker] = next;
      return;
    }
    case "login": {
      const account = fixture.loginAccounts[worker % fixture.loginAccounts.length]!;
      accessTokenOf(await postGraphQL(url, JSON.stringify({ query: loginMutation, variables: { input: account } })), "login");
      return;
    }
    case "invitation": {
      const email = `soak-invitee-${randomBytes(6).toString("hex")}@example.com`;
      const invited = await postGraphQL(url, JSON.stringify({ query: inviteMutation, variables: { companyId: fixture.memberCompanyId, email } }), owner);
      const invitationCode = (invited.data?.inviteUser as { invitationCode?: string } | undefined)?.invitationCode;
      if (!invitationCode) throw new Error(`inviteUser failed: ${JSON.stringify(invited).slice(0, 200)}`);
      const input = { email, password: `Soak-${randomBytes(12).toString("hex")}`, fullName: "Soak Invitee", invitationCode };
      const joined = await postGraphQL(url, JSON.stringify({ query: joinMutation, variables: { input } }));
      accessTokenOf(joined, "register");
      // The invitee leaves again: the company's seats are finite, and a soak of any length must not use them up.
      const userId = (joined.data?.register as { user?: { id?: string } | null } | undefined)?.user?.id;
      const removed = await postGraphQL(url, JSON.stringify({ query: removeMutation, variables: { userId, companyId: fixture.memberCompanyId } }), owner);
      return expect(removed, (body) => (body.data?.removeMember as { ok?: boolean } | undefined)?.ok === true);
    }
  }
}

function expect(body: GraphQLBody, isCorrect: (body: GraphQLBody) => boolean): void {
  if (body.errors || !isCorrect(body)) throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 200)}`);
}

/** An owner with a 50-member ENTERPRISE company, accounts to sign in as, and one refresh chain per worker. */
async function seed(url: string, workers: number): Promise<Fixture> {
  const register = async (tag: string) => {
    const account = { email: `soak-${tag}-${randomBytes(6).toString("hex")}@example.com`, password: `Soak-${randomBytes(12).toString("hex")}`, fullName: `Soak ${tag}` };
    const body = await postGraphQL(url, JSON.stringify({ query: registerMutation.replace("tokens { accessToken }", "tokens { accessToken refreshToken }"), variables: { input: account } }));
    const tokens = (body.data?.register as { tokens?: { accessToken: string; refreshToken: string } | null } | undefined)?.tokens;
    if (!tokens) throw new Error(`register failed: ${JSON.stringify(body)}`);
    return { account: { email: account.email, password: account.password }, tokens };
  };
  const owner = await register("owner");
  const post = (body: string, token?: string) => postGraphQL(url, body, token ? { authorization: `Bearer ${token}` } : {});
  const { companyId, token } = await seedMembersCompany(post, owner.tokens.accessToken);
  const loginAccounts = [];
  for (let index = 0; index < 4; index++) loginAccounts.push((await register("login")).account);
  const refreshTokens = [];
  for (let index = 0; index < workers; index++) refreshTokens.push((await register("refresh")).tokens.refreshToken);
  return { memberCompanyId: companyId, ownerToken: token, loginAccounts, refreshTokens };
}

async function startReplica(name: string, entry: string, env: Record<string, string>): Promise<Replica> {
  const managementPort = await freePort();
  const server = await startServerProcess({ name, entry, env: { ...env, DATA_DIR: await makeTempDir("um-soak-"), MANAGEMENT_PORT: String(managementPort) } });
  return { server, managementUrl: `http://127.0.0.1:${managementPort}` };
}

async function memoryOf(replica: Replica): Promise<ReplicaMemory> {
  const samples = await scrape(replica.managementUrl);
  const mib = (name: string) => {
    const matching = samples.filter((sample) => sample.name === name);
    if (matching.length === 0) throw new Error(`${replica.server.name}'s /metrics has no ${name}`);
    return Math.round((matching.reduce((sum, sample) => sum + sample.value, 0) / 1024 / 1024) * 10) / 10;
  };
  return { rss: mib("process_resident_memory_bytes"), heapUsed: mib("nodejs_heap_size_used_bytes"), caches: mib("cache_estimated_bytes") };
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
