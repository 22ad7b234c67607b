import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { FastifyInstance } from "fastify";
import { print, type DocumentNode, type GraphQLFormattedError } from "graphql";
import { loadConfig, type Environment } from "../../src/config.js";
import { closeDependencies, openDependencies, type AppDeps } from "../../src/deps.js";
import { permissionsOf, type Role } from "../../src/permissions/roles.js";
import { createLogger } from "../../src/platform/logger.js";
import type { PaymentProvider } from "../../src/platform/payments/payment-provider.js";
import { createManagementServer } from "../../src/management-server.js";
import { createServer } from "../../src/server.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface GraphQLResponse<TData> {
  status: number;
  data?: TData | null;
  errors?: GraphQLFormattedError[];
  headers: Headers;
}

export interface SeededUser {
  userId: string;
  companyId: string;
  sessionId: string;
  email: string;
  accessToken: string;
}

export interface TestServer {
  url: string;
  /** The management port (metrics, detailed health) on a free loopback port; undefined with MANAGEMENT_PORT=0. */
  managementUrl?: string;
  deps: AppDeps;
  /** Lines the server logged, parsed (what a log shipper would receive). */
  logLines: Record<string, unknown>[];
  graphql<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables> | DocumentNode | string,
    variables?: TVariables,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<TData>>;
  /** A user with an INDIVIDUAL company (as OWNER), a FREE subscription, a session and an access token. */
  seedUser(options?: { email?: string; fullName?: string; role?: Role }): Promise<SeededUser>;
  close(): Promise<void>;
}

/**
 * The real HTTP server on a fresh database of its own (PostgreSQL when DATABASE_URL is set, PGlite
 * otherwise) and REDIS_URL when set, listening on a free loopback port; its management server too, on
 * another free port, unless MANAGEMENT_PORT is 0.
 */
export async function startTestServer(
  environment: Partial<Environment> = {},
  options: { sharedDatabase?: TestDatabase; payments?: PaymentProvider } = {},
): Promise<TestServer> {
  const database = options.sharedDatabase ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-test-data-"));
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATA_DIR: dataDir,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_NAMESPACE: `um-test-${randomUUID()}`,
    // Every test client shares 127.0.0.1, as no real crowd of users does; per-account limits stay on.
    RATE_LIMIT_LOGIN_PER_IP: "off",
    RATE_LIMIT_REGISTER_PER_IP: "off",
    // Background outbox rounds would show in tests that count SQL statements; a test that publishes sets it lower.
    OUTBOX_PUBLISH_INTERVAL_MS: "60000",
    ...environment,
  });
  config.database = database.settings;

  const logLines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: config.log.level,
    destination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
  });
  const deps = await openDependencies(config, logger, { payments: options.payments });
  let app: FastifyInstance;
  let management: FastifyInstance | undefined;
  try {
    app = await createServer(deps);
    await app.listen({ host: "127.0.0.1", port: 0 });
    if (config.management.enabled) {
      management = await createManagementServer(deps);
      await management.listen({ host: "127.0.0.1", port: 0 });
    }
  } catch (error) {
    await closeDependencies(deps);
    throw error;
  }
  const url = loopbackUrl(app);

  return {
    url,
    managementUrl: management ? loopbackUrl(management) : undefined,
    deps,
    logLines,
    async graphql(document, variables, options = {}) {
      const query = typeof document === "string" ? document : print(document as DocumentNode);
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: never; errors?: GraphQLFormattedError[] };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
    async seedUser(options = {}) {
      const prisma = deps.database.prisma;
      const email = options.email ?? `user-${randomUUID()}@example.com`;
      const now = Date.now();
      const user = await prisma.user.create({
        data: {
          email,
          fullName: options.fullName ?? "Test User",
          memberships: {
            create: {
              role: options.role ?? "OWNER",
              company: {
                create: {
                  name: "Test User",
                  slug: `test-${randomUUID()}`,
                  type: "INDIVIDUAL",
                  subscription: {
                    create: { currentPeriodStart: new Date(now), currentPeriodEnd: new Date(now + 30 * 86_400_000) },
                  },
                },
              },
            },
          },
        },
        include: { memberships: true },
      });
      const membership = user.memberships[0]!;
      const session = await prisma.session.create({
        data: {
          userId: user.id,
          activeCompanyId: membership.companyId,
          idleExpiresAt: new Date(now + 86_400_000),
          absoluteExpiresAt: new Date(now + 30 * 86_400_000),
        },
      });
      const { token } = await deps.tokens.issueAccessToken({
        userId: user.id,
        companyId: membership.companyId,
        sessionId: session.id,
        role: membership.role,
        permissions: permissionsOf(membership.role),
        tier: "FREE",
      });
      return { userId: user.id, companyId: membership.companyId, sessionId: session.id, email, accessToken: token };
    },
    async close() {
      await app.close();
      await management?.close();
      await closeDependencies(deps);
      if (!options.sharedDatabase) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function loopbackUrl(app: FastifyInstance): string {
  const address = app.server.address();
  return typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : "";
}
