import { generateSigningKey } from "../../src/platform/tokens/index.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { startTestServer, type TestServer } from "./server.js";

/** Two replicas need one shared database and Redis between them: PostgreSQL and REDIS_URL (always set in CI). */
export const replicasCanRun = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

export interface ReplicaPair {
  database: TestDatabase;
  first: TestServer;
  second: TestServer;
  close(): Promise<void>;
}

/** Two servers on one database and one Redis namespace (REDIS_URL, or `redisUrl`), sharing configured signing keys, as in production. */
export async function startReplicaPair(label: string, options: { redisUrl?: string } = {}): Promise<ReplicaPair> {
  const database = await createTestDatabase();
  const key = await generateSigningKey(Math.floor(Date.now() / 1000));
  const environment = { ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}), REDIS_NAMESPACE: `um-${label}-${Date.now()}`, JWT_SIGNING_KEYS: JSON.stringify([{ kid: key.kid, ...key.jwk }]) };
  const first = await startTestServer(environment, { sharedDatabase: database });
  const second = await startTestServer(environment, { sharedDatabase: database });
  return {
    database,
    first,
    second,
    async close() {
      await first.close();
      await second.close();
      await database.drop();
    },
  };
}

/** Whether `check` comes true within about a second (what crossing replicas by pub/sub may take). */
export async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
