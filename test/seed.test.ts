import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { demoCompanies, demoEmailDomain, demoPassword, seedDemoData } from "../src/modules/demo/demo-data.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "./support/database.js";
import { startTestServer } from "./support/server.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

async function runSeedCli(env: Record<string, string | undefined>, ...args: string[]) {
  const environment: Record<string, string | undefined> = { ...process.env, REDIS_NAMESPACE: `um-test-${randomUUID()}`, ...env };
  for (const name of ["DATABASE_URL", "NODE_ENV"]) if (!env[name]) delete environment[name];
  return promisify(execFile)(process.execPath, ["--import", "tsx", "src/modules/demo/seed.cli.ts", ...args], { cwd: projectRoot, env: environment }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { code: number; stdout: string; stderr: string }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
  );
}

/** Everything the seed writes, by id, and the row counts of the tables it touches. */
async function snapshot(prisma: PrismaClient) {
  const demoUsers = { email: { endsWith: `@${demoEmailDomain}` } };
  return {
    users: await prisma.user.findMany({ where: demoUsers, select: { id: true, email: true }, orderBy: { email: "asc" } }),
    organizations: await prisma.company.findMany({
      where: { type: "ORGANIZATION" },
      select: { id: true, name: true, subscription: { select: { tier: true } } },
      orderBy: { name: "asc" },
    }),
    memberships: await prisma.membership.findMany({
      where: { company: { type: "ORGANIZATION" } },
      select: { id: true, role: true, user: { select: { email: true } }, company: { select: { name: true } } },
      orderBy: [{ company: { name: "asc" } }, { user: { email: "asc" } }],
    }),
    invitations: await prisma.invitation.findMany({ where: { status: "PENDING" }, select: { id: true, email: true, role: true }, orderBy: { email: "asc" } }),
    rows: {
      users: await prisma.user.count(),
      companies: await prisma.company.count(),
      memberships: await prisma.membership.count(),
      invitations: await prisma.invitation.count(),
      subscriptions: await prisma.subscription.count(),
      invoices: await prisma.invoice.count(),
      sessions: await prisma.session.count(),
      auditEvents: await prisma.auditEvent.count(),
    },
  };
}

const credentialsOf = (stdout: string) => stdout.slice(stdout.indexOf("Every account's password"));

const kinds = serverUrl ? (["postgres", "pglite"] as const) : (["pglite"] as const);

describe.each(kinds)("npm run db:seed on %s", (kind) => {
  it("creates the demo companies, every role, pending invitations and every tier once, and its accounts sign in", { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-seed-"));
    const database: TestDatabase | undefined = kind === "postgres" ? await createTestDatabase() : undefined;
    const env = { DATA_DIR: dataDir, DATABASE_URL: database?.url };
    try {
      const first = await runSeedCli(env);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toContain("Seeded the demo data");
      expect(first.stdout).toContain(`Every account's password: ${demoPassword}`);
      for (const company of demoCompanies) {
        for (const who of company.people) expect(first.stdout).toMatch(new RegExp(`\\| ${who.email} +\\| ${who.fullName} +\\| ${who.role} +\\| ${company.name} +\\| ${company.tier} +\\|`));
        for (const invited of company.pendingInvitations) expect(first.stdout).toMatch(new RegExp(`\\| ${invited.email} +\\| ${invited.role} +\\| ${company.name} +\\|`));
      }

      const sharedDatabase = database ?? { settings: { kind: "pglite" as const, directory: path.join(dataDir, "pglite") }, drop: async () => {} };
      // The seed's DATA_DIR holds the key its signing keys are sealed with.
      const server = await startTestServer({ DATA_DIR: dataDir }, { sharedDatabase });
      try {
        const prisma = server.deps.database.prisma;
        const seeded = await snapshot(prisma);
        expect(seeded.users).toHaveLength(10);
        expect(seeded.organizations.map((company) => [company.name, company.subscription?.tier])).toEqual([
          ["Bluebird Trading", "PRO"],
          ["Cedar Street Investors", "FREE"],
          ["Northwind Capital", "ENTERPRISE"],
        ]);
        expect(seeded.memberships.filter((membership) => membership.company.name === "Northwind Capital").map((membership) => membership.role).sort()).toEqual(
          ["ADMIN", "MANAGER", "MEMBER", "OWNER", "VIEWER"],
        );
        expect(seeded.memberships).toHaveLength(10);
        expect(seeded.invitations.map((invitation) => [invitation.email, invitation.role])).toEqual([
          [`enterprise.invited@${demoEmailDomain}`, "MEMBER"],
          [`free.invited@${demoEmailDomain}`, "MEMBER"],
          [`pro.invited@${demoEmailDomain}`, "VIEWER"],
        ]);
        // Each account also owns its individual FREE workspace.
        expect(seeded.rows).toMatchObject({ users: 10, companies: 13, subscriptions: 13 });
        expect(await prisma.subscription.groupBy({ by: ["tier"], _count: true, orderBy: { tier: "asc" } })).toEqual([
          { tier: "FREE", _count: 11 },
          { tier: "PRO", _count: 1 },
          { tier: "ENTERPRISE", _count: 1 },
        ]);
        expect(await prisma.invoice.count({ where: { status: "PAID", amountCents: { gt: 0 } } })).toBe(2);

        const again = await seedDemoData(server.deps.services);
        expect(again.changes).toEqual([]);
        expect(await snapshot(prisma)).toEqual(seeded);

        const login = first.stdout.split("\n").find((line) => line.startsWith("mutation { login("))!;
        const signedIn = await server.graphql<{ login: { tokens: { accessToken: string } | null } }, never>(login);
        const token = signedIn.data?.login.tokens?.accessToken;
        expect(token).toBeTruthy();
        const me = await server.graphql<{ me: { email: string; activeCompany: { name: string; subscription: { tier: string } }; memberships: { company: { name: string }; role: string }[] } }, never>(
          "{ me { email activeCompany { name subscription { tier } } memberships { company { name } role } } }",
          undefined,
          { token },
        );
        expect(me.data?.me.email).toBe(`enterprise.admin@${demoEmailDomain}`);
        expect(me.data?.me.activeCompany).toEqual({ name: "Northwind Capital", subscription: { tier: "ENTERPRISE" } });
        expect(me.data?.me.memberships).toContainEqual({ company: { name: "Northwind Capital" }, role: "ADMIN" });

        const owner = await server.graphql<{ login: { tokens: { accessToken: string } | null } }, never>(
          `mutation { login(input: { email: "pro.owner@${demoEmailDomain}", password: "${demoPassword}" }) { tokens { accessToken } } }`,
        );
        const ownerMe = await server.graphql<{ me: { activeCompany: { name: string } } }, never>("{ me { activeCompany { name } } }", undefined, {
          token: owner.data?.login.tokens?.accessToken,
        });
        expect(ownerMe.data?.me.activeCompany.name).toBe("Bluebird Trading");
      } finally {
        await server.close();
      }

      const second = await runSeedCli(env);
      expect(second).toMatchObject({ code: 0 });
      expect(second.stdout).toContain("Demo data already seeded; nothing changed.");
      expect(credentialsOf(second.stdout)).toBe(credentialsOf(first.stdout));
    } finally {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

it("npm run db:seed refuses NODE_ENV=production without --force and opens no database", async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-seed-production-"));
  try {
    const refused = await runSeedCli({ DATA_DIR: dataDir, NODE_ENV: "production" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Refusing to seed demo accounts with NODE_ENV=production");
    expect(refused.stdout).toBe("");
    await expect(stat(path.join(dataDir, "pglite"))).rejects.toThrow();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it("npm run db:seed -- --force seeds under NODE_ENV=production", { timeout: 300_000 }, async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-seed-forced-"));
  try {
    const forced = await runSeedCli(
      {
        DATA_DIR: dataDir,
        NODE_ENV: "production",
        SECRET_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        PAYMENT_PROVIDER: "http",
        PAYMENT_API_URL: "https://payments.invalid",
        PAYMENT_API_KEY: "never-called",
      },
      "--force",
    );
    expect(forced).toMatchObject({ code: 0 });
    expect(forced.stdout).toContain("Seeded the demo data");
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
