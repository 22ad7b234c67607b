import { randomBytes } from "node:crypto";
import { createHistogram } from "node:perf_hooks";
import pg from "pg";
import { accessTokenOf, meQuery, postGraphQL, registerMutation } from "./operations.js";
import { createBenchDatabase, realServices } from "./scratch-database.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { makeTempDir } from "./temp-dir.js";

export interface PropagationOptions {
  trials: number;
  /** Pause between two polls of replica B. */
  pollIntervalMs: number;
  /** A trial whose change B has not shown by then counts as a failure. */
  timeoutMs: number;
  /** The replicas' entry (compiled JavaScript as production runs it, or `src/main.ts`). */
  entry?: string;
}

export interface DelayFigures {
  trials: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PropagationResult {
  pollIntervalMs: number;
  /** From A's response to B's first answer showing the change. */
  kinds: Record<string, DelayFigures>;
}

interface Replicas {
  a: ServerProcess;
  b: ServerProcess;
  /** A platform operator's access token (suspensions need one). */
  operatorToken: string;
  company: SharedCompany;
}

/** A change made on replica A and the check that replica B shows it; `prepare` runs before the clock starts. */
interface ChangeKind {
  prepare(replicas: Replicas): Promise<{ change(): Promise<void>; shownOnB(): Promise<boolean> }>;
}

const logout: ChangeKind = {
  async prepare({ a, b }) {
    const { token } = await registerAccount(a);
    return {
      change: () => mutate(a, token, "mutation { logout { ok } }"),
      shownOnB: await refusedOn(b, token),
    };
  },
};

const suspension: ChangeKind = {
  async prepare({ a, b, operatorToken }) {
    const victim = await registerAccount(a);
    return {
      change: () => mutate(a, operatorToken, "mutation Suspend($userId: ID!) { suspendUser(userId: $userId, reason: \"bench\") { ok } }", { userId: victim.userId }),
      shownOnB: await refusedOn(b, victim.token),
    };
  },
};

const roleChange: ChangeKind = {
  async prepare({ a, b, company }) {
    const member = await joinCompany(a, company);
    const variables = { companyId: company.id, userId: member.userId };
    return {
      change: () => mutate(a, company.ownerToken, "mutation Role($companyId: ID!, $userId: ID!) { updateMemberRole(companyId: $companyId, userId: $userId, role: VIEWER) { ok } }", variables),
      shownOnB: await refusedOn(b, member.token),
    };
  },
};

const removal: ChangeKind = {
  async prepare({ a, b, company }) {
    const member = await joinCompany(a, company);
    const variables = { companyId: company.id, userId: member.userId };
    return {
      change: () => mutate(a, company.ownerToken, "mutation Remove($companyId: ID!, $userId: ID!) { removeMember(companyId: $companyId, userId: $userId) { ok } }", variables),
      shownOnB: await refusedOn(b, member.token),
    };
  },
};

// Each trial upgrades a company of its own: a token carrying the old tier must stop on B.
const subscriptionChange: ChangeKind = {
  async prepare({ a, b }) {
    const owner = await registerAccount(a);
    const companyId = await createCompany(a, owner.token);
    const token = await switchCompany(a, owner.token, companyId);
    return {
      change: () => mutate(a, token, upgradeMutation, { companyId, input: { action: "UPGRADE", targetTier: "PRO" } }),
      shownOnB: await refusedOn(b, token),
    };
  },
};

const kinds: Record<string, ChangeKind> = { logout, roleChange, removal, subscriptionChange, suspension };

const upgradeMutation = `mutation Upgrade($companyId: ID!, $input: ChangeSubscriptionInput!) {
  changeSubscription(companyId: $companyId, input: $input) { subscription { tier } }
}`;

interface SharedCompany {
  id: string;
  ownerToken: string;
}

/** An ENTERPRISE organization (seats for every trial's member), its owner's token scoped to it. */
async function createSharedCompany(a: ServerProcess): Promise<SharedCompany> {
  const owner = await registerAccount(a);
  const id = await createCompany(a, owner.token);
  const ownerToken = await switchCompany(a, owner.token, id);
  await mutate(a, ownerToken, upgradeMutation, { companyId: id, input: { action: "UPGRADE", targetTier: "ENTERPRISE" } });
  return { id, ownerToken: await switchCompany(a, owner.token, id) };
}

/** A new account invited into `company` as MEMBER, with a token scoped to it. */
async function joinCompany(a: ServerProcess, company: SharedCompany): Promise<{ token: string; userId: string }> {
  const email = `member-${randomBytes(6).toString("hex")}@example.com`;
  const invite = `mutation Invite($companyId: ID!, $email: EmailAddress!) { inviteUser(companyId: $companyId, input: { email: $email, role: MEMBER }) { invitationCode } }`;
  const invited = await postGraphQL(a.url, JSON.stringify({ query: invite, variables: { companyId: company.id, email } }), { authorization: `Bearer ${company.ownerToken}` });
  const invitationCode = (invited.data?.inviteUser as { invitationCode?: string } | undefined)?.invitationCode;
  if (!invitationCode) throw new Error(`inviteUser returned no code: ${JSON.stringify(invited)}`);
  const member = await registerAccount(a, { email, invitationCode });
  return { token: await switchCompany(a, member.token, company.id), userId: member.userId };
}

async function createCompany(server: ServerProcess, token: string): Promise<string> {
  const result = await postGraphQL(server.url, JSON.stringify({ query: `mutation { createCompany(input: { name: "Propagation Ltd" }) { company { id } } }` }), { authorization: `Bearer ${token}` });
  const id = (result.data?.createCompany as { company?: { id?: string } | null } | undefined)?.company?.id;
  if (!id) throw new Error(`createCompany failed: ${JSON.stringify(result)}`);
  return id;
}

async function switchCompany(server: ServerProcess, token: string, companyId: string): Promise<string> {
  const query = `mutation Switch($companyId: ID!) { switchCompany(companyId: $companyId) { tokens { accessToken } } }`;
  const result = await postGraphQL(server.url, JSON.stringify({ query, variables: { companyId } }), { authorization: `Bearer ${token}` });
  const accessToken = (result.data?.switchCompany as { tokens?: { accessToken?: string } | null } | undefined)?.tokens?.accessToken;
  if (!accessToken) throw new Error(`switchCompany failed: ${JSON.stringify(result)}`);
  return accessToken;
}

/** A check that B refuses `token` (401 on `me`), after making sure it accepts it now. */
async function refusedOn(b: ServerProcess, token: string): Promise<() => Promise<boolean>> {
  const me = () => fetch(`${b.url}/graphql`, { method: "POST", headers: graphQLHeaders(token), body: JSON.stringify({ query: meQuery }) });
  if ((await me()).status !== 200) throw new Error("replica B refused a fresh token before the change");
  return async () => (await me()).status === 401;
}

async function mutate(server: ServerProcess, token: string, query: string, variables: Record<string, unknown> = {}): Promise<void> {
  const result = await postGraphQL(server.url, JSON.stringify({ query, variables }), { authorization: `Bearer ${token}` });
  if (result.errors) throw new Error(`change refused on replica A: ${JSON.stringify(result.errors)}`);
}

/** Two server processes on one scratch database and one Redis namespace; each kind's trials run one after another. */
export async function measurePropagation({ trials, pollIntervalMs, timeoutMs, entry = "src/main.ts" }: PropagationOptions): Promise<PropagationResult> {
  const { databaseUrl, redisUrl } = realServices();
  const benchDatabaseUrl = await createBenchDatabase(databaseUrl);
  const env = {
    DATABASE_URL: benchDatabaseUrl,
    REDIS_URL: redisUrl,
    REDIS_NAMESPACE: `um-bench-${randomBytes(4).toString("hex")}`,
    // One key for both: the signing keys in the shared table are encrypted with it.
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "warn",
    RATE_LIMIT_REGISTER_PER_IP: "off",
    RATE_LIMIT_LOGIN_PER_IP: "off",
  };
  const a = await startServerProcess({ name: "replica A", entry, env: { ...env, DATA_DIR: await makeTempDir("um-bench-a-") } });
  const b = await startServerProcess({ name: "replica B", entry, env: { ...env, DATA_DIR: await makeTempDir("um-bench-b-") } });
  try {
    const operator = await registerAccount(a);
    await grantOperator(benchDatabaseUrl, operator.userId);
    const replicas = { a, b, operatorToken: operator.token, company: await createSharedCompany(a) };
    const figures: Record<string, DelayFigures> = {};
    for (const [name, kind] of Object.entries(kinds)) {
      const delays = createHistogram();
      let failures = 0;
      for (let trial = 0; trial < trials; trial++) {
        const { change, shownOnB } = await kind.prepare(replicas);
        await change();
        const changedAt = performance.now();
        let shown = await shownOnB();
        while (!shown && performance.now() - changedAt < timeoutMs) {
          await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
          shown = await shownOnB();
        }
        if (shown) delays.record(Math.max(1, Math.round((performance.now() - changedAt) * 1000)));
        else failures += 1;
      }
      const ms = (percentile: number) => Math.round(delays.percentile(percentile) / 100) / 10;
      figures[name] = { trials, failures, p50Ms: ms(50), p95Ms: ms(95), p99Ms: ms(99), maxMs: Math.round(delays.max / 100) / 10 };
    }
    return { pollIntervalMs, kinds: figures };
  } finally {
    await b.stop();
    await a.stop();
  }
}

const registerWithUser = registerMutation.replace("tokens { accessToken }", "tokens { accessToken } user { id }");

async function registerAccount(server: ServerProcess, extra: { email?: string; invitationCode?: string } = {}): Promise<{ token: string; userId: string }> {
  const email = `propagation-${randomBytes(6).toString("hex")}@example.com`;
  const input = { email, password: `Bench-${randomBytes(12).toString("hex")}`, fullName: "Propagation Bench", ...extra };
  const result = await postGraphQL(server.url, JSON.stringify({ query: registerWithUser, variables: { input } }));
  const userId = (result.data?.register as { user?: { id?: string } | null } | undefined)?.user?.id;
  if (!userId) throw new Error(`register returned no user: ${JSON.stringify(result)}`);
  return { token: accessTokenOf(result, "register"), userId };
}

// What `npm run operators -- grant` sets; no API sets it.
async function grantOperator(databaseUrl: string, userId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("UPDATE users SET is_platform_operator = true WHERE id = $1", [userId]);
  } finally {
    await client.end();
  }
}

function graphQLHeaders(token: string): Record<string, string> {
  return { "content-type": "application/json", authorization: `Bearer ${token}` };
}
