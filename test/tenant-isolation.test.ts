import { randomUUID } from "node:crypto";
import { parse, validate, type GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSchema } from "../src/schema.js";
import { AddCompanyDomainDocument, InviteUserDocument, UpdateCompanySettingsDocument } from "./generated/graphql.js";
import { uniqueEmail } from "./support/accounts.js";
import { entitySelection, entityTypes, generateOperations, type GeneratedOperation, type Targets } from "./support/schema-operations.js";
import { startTestServer, type GraphQLResponse, type TestServer } from "./support/server.js";
import { organizationWithRoles } from "./support/tenancy.js";

/**
 * Tenant isolation, generated from the schema: every root field that takes an id is called by each role of
 * organization A (and anonymously) with the id of organization B's objects, and must be refused without a
 * trace in B. A field added later is in the matrix without anyone writing a test for it.
 */

const roles = ["OWNER", "ADMIN", "MANAGER", "MEMBER", "VIEWER"] as const;
/** userErrors codes that say "not yours" (rather than "bad input", which could hide a missing check). */
const refusalCodes = new Set(["FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND", "NOT_A_MEMBER"]);

type Organization = Awaited<ReturnType<typeof organizationWithRoles>>;
interface Caller {
  name: string;
  token?: string;
}

let server: TestServer;
let schema: GraphQLSchema;
let a: Organization;
let b: Organization;
let targets: Targets;
/** Strings of B's that must never appear in an answer to A or to anonymous callers. */
let secretsOfB: string[];
let callers: Caller[];

beforeAll(async () => {
  // A dead DNS server: should a domain check ever get through, it fails fast instead of asking the internet.
  server = await startTestServer({ DNS_SERVERS: "127.0.0.1:9", DNS_TIMEOUT_MS: "200" });
  schema = (await createSchema()).schema;
  a = await organizationWithRoles(server, "A");
  b = await organizationWithRoles(server, "B");

  // One object of every kind in B: a pending invitation, a claimed domain, non-default settings, audit events.
  const owner = { token: b.members.OWNER.tokens.accessToken };
  const invitedEmail = uniqueEmail("invited-to-b");
  const invited = await server.graphql(InviteUserDocument, { companyId: b.companyId, input: { email: invitedEmail, role: "MEMBER" } }, owner);
  const invitation = invited.data?.inviteUser.invitation;
  if (!invitation) throw new Error(`inviteUser failed: ${JSON.stringify(invited.errors ?? invited.data?.inviteUser.userErrors)}`);
  const domain = `b-${randomUUID()}.example.org`;
  const claimed = await server.graphql(AddCompanyDomainDocument, { companyId: b.companyId, domain }, owner);
  if (!claimed.data?.addCompanyDomain.ok) throw new Error(`addCompanyDomain failed: ${JSON.stringify(claimed.errors ?? claimed.data?.addCompanyDomain.userErrors)}`);
  const settings = await server.graphql(
    UpdateCompanySettingsDocument,
    { companyId: b.companyId, input: { tradingEnabled: false, dataRetentionDays: 90, allowedTradingHours: "09:30-16:00" } },
    owner,
  );
  if (settings.data?.updateCompanySettings.userErrors.length !== 0) throw new Error(`updateCompanySettings failed: ${JSON.stringify(settings)}`);

  const session = await server.deps.database.prisma.session.findFirstOrThrow({ where: { userId: b.members.MEMBER.user.id, revokedAt: null } });
  targets = { company: b.companyId, member: b.members.MEMBER.user.id, invitation: invitation.id, session: session.id, domain };
  secretsOfB = [...roles.map((role) => b.members[role].email), domain, invitedEmail];
  callers = [...roles.map((role) => ({ name: `A's ${role}`, token: a.members[role].tokens.accessToken })), { name: "anonymous" }];
});

afterAll(async () => {
  await server?.close();
});

/** Everything of B's an operation could change, read straight from the database. */
async function snapshotOfB() {
  const prisma = server.deps.database.prisma;
  const companyId = b.companyId;
  const userIds = roles.map((role) => b.members[role].user.id);
  return {
    company: await prisma.company.findUnique({ where: { id: companyId } }),
    memberships: await prisma.membership.findMany({ where: { companyId }, select: { userId: true, role: true, status: true, roleSince: true }, orderBy: { userId: "asc" } }),
    settings: await prisma.companySettings.findUnique({ where: { companyId } }),
    invitations: await prisma.invitation.findMany({ where: { companyId }, select: { id: true, email: true, role: true, status: true }, orderBy: { id: "asc" } }),
    domains: await prisma.companyDomain.findMany({ where: { companyId }, orderBy: { domain: "asc" } }),
    subscription: await prisma.subscription.findUnique({ where: { companyId } }),
    sessions: await prisma.session.findMany({ where: { userId: { in: userIds } }, select: { id: true, activeCompanyId: true, revokedAt: true }, orderBy: { id: "asc" } }),
    users: await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, fullName: true, status: true, notBefore: true }, orderBy: { id: "asc" } }),
    auditEvents: await prisma.auditEvent.count({ where: { companyId } }),
  };
}

function leaksOf(response: GraphQLResponse<unknown>): string[] {
  const serialized = JSON.stringify({ data: response.data, errors: response.errors });
  return secretsOfB.filter((secret) => serialized.includes(secret)).map((secret) => `answer contains B's ${secret}`);
}

/** Why `response` is not a refusal: an unexpected error code, a success, or B's data. */
function problemsOf(operation: GeneratedOperation, caller: Caller, response: GraphQLResponse<unknown>): string[] {
  const expected = caller.token ? "FORBIDDEN" : "UNAUTHENTICATED";
  const problems = (response.errors ?? [])
    .filter((error) => error.extensions?.code !== expected)
    .map((error) => `error ${String(error.extensions?.code)} ("${error.message}") instead of ${expected}`);
  problems.push(...leaksOf(response));
  const value = (response.data as Record<string, unknown> | null | undefined)?.[operation.field] ?? null;
  if (value === null) return problems;
  if (typeof value !== "object" || Array.isArray(value) || !("userErrors" in value)) return [...problems, `answered ${JSON.stringify(value)}`];
  const { ok, userErrors, ...rest } = value as { ok?: boolean; userErrors: { code: string }[] } & Record<string, unknown>;
  if (ok === true || userErrors.length === 0) problems.push(`succeeded: ${JSON.stringify(value)}`);
  for (const error of userErrors) {
    if (!refusalCodes.has(error.code)) problems.push(`refused with ${error.code}, not for access (the dummy input may hide a missing check)`);
  }
  for (const [key, field] of Object.entries(rest)) if (field !== null && field !== false) problems.push(`returned ${key}: ${JSON.stringify(field)}`);
  return problems;
}

describe("the generated operation list", () => {
  it("covers every root field that takes an id, and is not blind", () => {
    const { operations, unhandled, stale } = generateOperations(schema, targets);
    expect(unhandled, "root fields the generator cannot aim at B: teach it (schema-operations.ts) or exclude them with a reason").toEqual([]);
    expect(stale, "notInMatrix names fields the schema no longer has").toEqual([]);
    const mutations = [
      "updateCompany", "updateCompanySettings", "inviteUser", "removeMember", "updateMemberRole", "transferOwnership",
      "switchCompany", "leaveCompany", "addCompanyDomain", "verifyCompanyDomain", "approveMember", "rejectMember",
    ];
    expect(operations.map((operation) => operation.name)).toEqual(
      expect.arrayContaining([...mutations.map((name) => `Mutation.${name}`), "Query.company", "Query.user", "Query.auditLog"]),
    );
    const invalid = operations.flatMap((operation) => validate(schema, parse(operation.query)).map((error) => `${operation.name}: ${error.message}`));
    expect(invalid, "generated operations the schema rejects").toEqual([]);
  });

  it("starts from a B with one object of every kind", async () => {
    const before = await snapshotOfB();
    expect(before.memberships).toHaveLength(5);
    expect(before.invitations).toEqual([expect.objectContaining({ id: targets.invitation, status: "PENDING" })]);
    expect(before.domains).toEqual([expect.objectContaining({ domain: targets.domain })]);
    expect(before.settings).toMatchObject({ tradingEnabled: false, dataRetentionDays: 90 });
    expect(before.subscription).not.toBeNull();
    expect(before.auditEvents).toBeGreaterThan(0);
  });
});

describe("A's callers against B's objects", () => {
  it("refuses every generated operation to every role of A and to anonymous callers, and B is unchanged", async () => {
    const { operations, unhandled } = generateOperations(schema, targets);
    expect(unhandled).toEqual([]);
    const before = await snapshotOfB();
    const problems: string[] = [];
    for (const operation of operations) {
      for (const caller of callers) {
        const response = await server.graphql(operation.query, operation.variables, { token: caller.token });
        problems.push(...problemsOf(operation, caller, response).map((problem) => `${operation.name} as ${caller.name}: ${problem}`));
      }
    }
    expect(problems, `${operations.length} operations × ${callers.length} callers`).toEqual([]);
    expect(await snapshotOfB()).toEqual(before);
  });
});

describe("_entities for B's users and company", () => {
  /** Fields an outsider signed in may see, by entity type; anything else must be null. */
  const visibleToOutsiders: Record<string, string[]> = { User: ["id", "fullName"], Company: [] };

  it("answers A's callers nothing of B's but a user's id and name, and anonymous callers nothing", async () => {
    const representationsOf: Record<string, string[]> = { User: roles.map((role) => b.members[role].user.id), Company: [b.companyId] };
    const types = entityTypes(schema);
    expect(types.map((type) => type.name).filter((name) => !representationsOf[name] || !visibleToOutsiders[name]), "entity types without B objects").toEqual([]);

    const problems: string[] = [];
    for (const type of types) {
      const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${type.name} { ${entitySelection(type)} } } }`;
      const representations = representationsOf[type.name]!.map((id) => ({ __typename: type.name, id }));
      for (const caller of callers) {
        const response = await server.graphql<{ _entities: (Record<string, unknown> | null)[] }, unknown>(query, { representations }, { token: caller.token });
        const where = `${type.name} as ${caller.name}`;
        const expected = caller.token ? "FORBIDDEN" : "UNAUTHENTICATED";
        for (const error of response.errors ?? []) {
          if (error.extensions?.code !== expected) problems.push(`${where}: error ${String(error.extensions?.code)} ("${error.message}") instead of ${expected}`);
        }
        if (!caller.token && !response.errors?.length) problems.push(`${where}: no UNAUTHENTICATED error`);
        problems.push(...leaksOf(response).map((leak) => `${where}: ${leak}`));
        const visible = caller.token ? visibleToOutsiders[type.name]! : [];
        for (const [index, entity] of (response.data?._entities ?? []).entries()) {
          for (const [field, value] of Object.entries(entity ?? {})) {
            if (value !== null && !visible.includes(field)) problems.push(`${where}: _entities[${index}].${field} = ${JSON.stringify(value)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
