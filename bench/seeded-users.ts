import pg from "pg";
import { permissionsOf } from "../src/permissions/roles.js";
import { createKeyRing, createTokenService, generateSigningKey } from "../src/platform/tokens/index.js";
import { configuredKeyStore } from "../src/platform/tokens/key-store.js";

export interface SeededUser {
  userId: string;
  companyId: string;
  sessionId: string;
}

/** Users, their INDIVIDUAL companies (OWNER, FREE) and one live session each, in a few set-based statements. */
export async function seedUsers(url: string, count: number): Promise<SeededUser[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `CREATE TEMP TABLE seed ON COMMIT DROP AS
         SELECT n, gen_random_uuid() AS user_id, gen_random_uuid() AS company_id, gen_random_uuid() AS session_id
         FROM generate_series(1, $1::int) AS n`,
      [count],
    );
    await client.query(
      `INSERT INTO users (id, email, full_name, status, verification_status, updated_at)
         SELECT user_id, 'memory-' || n || '@bench.example', 'Bench User ' || n, 'ACTIVE', 'VERIFIED', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO companies (id, name, slug, type, updated_at) SELECT company_id, 'Bench ' || n, 'bench-' || n, 'INDIVIDUAL', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO memberships (id, user_id, company_id, role, updated_at) SELECT gen_random_uuid(), user_id, company_id, 'OWNER', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO subscriptions (id, company_id, tier, current_period_start, current_period_end, updated_at)
         SELECT gen_random_uuid(), company_id, 'FREE', now(), now() + interval '30 days', now() FROM seed`,
    );
    await client.query(
      `INSERT INTO sessions (id, user_id, active_company_id, idle_expires_at, absolute_expires_at)
         SELECT session_id, user_id, company_id, now() + interval '1 day', now() + interval '1 day' FROM seed`,
    );
    const { rows } = await client.query<{ user_id: string; company_id: string; session_id: string }>(
      "SELECT user_id, company_id, session_id FROM seed ORDER BY n",
    );
    await client.query("COMMIT");
    return rows.map((row) => ({ userId: row.user_id, companyId: row.company_id, sessionId: row.session_id }));
  } finally {
    await client.end();
  }
}

/** A signing key for the servers' JWT_SIGNING_KEYS, and a way to mint access tokens the servers accept. */
export async function benchSigningKeys(): Promise<{ signingKeys: string; mintAccessToken(user: SeededUser): Promise<string> }> {
  const signingKey = await generateSigningKey(Date.now() - 60_000);
  const signingKeys = JSON.stringify([{ kid: signingKey.kid, ...signingKey.jwk }]);
  const ring = await createKeyRing({ store: configuredKeyStore(signingKeys), accessTokenTtlSeconds: 3600 });
  const tokens = createTokenService({ keys: ring, issuer: "urn:trading-platform:user-management", audience: "urn:trading-platform", accessTokenTtlSeconds: 3600 });
  const mintAccessToken = async (user: SeededUser) => (await tokens.issueAccessToken({ ...user, role: "OWNER", permissions: permissionsOf("OWNER"), tier: "FREE" })).token;
  return { signingKeys, mintAccessToken };
}

const meQuery = JSON.stringify({ query: "{ me { id fullName } }" });

/**
 * One `me` per user on each server with a token of the user's own session, `connections` at a time:
 * fills each server's verified-token cache, its session guard (session, membership, plan) and its user LRU.
 */
export async function passUsersThrough(serverUrls: string[], users: SeededUser[], mintAccessToken: (user: SeededUser) => Promise<string>, connections = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const user = users[next++]!;
      const authorization = `Bearer ${await mintAccessToken(user)}`;
      for (const serverUrl of serverUrls) {
        const response = await fetch(`${serverUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization }, body: meQuery });
        const text = await response.text();
        if (!text.includes(user.userId)) throw new Error(`me for a seeded user failed (${response.status}): ${text.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
}
