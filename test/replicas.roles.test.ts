import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../bench/server-process.js";
import { Role as ClaimRole } from "../src/generated/proto/user_management/v1/user_context_pb.js";
import { generateSigningKey } from "../src/platform/tokens/index.js";
import { decodePbClaims } from "../src/platform/tokens/pb-claims.js";
import {
  CompanyMembersDocument,
  CreateCompanyDocument,
  InviteUserDocument,
  MeDocument,
  RefreshTokenDocument,
  RegisterDocument,
  RemoveMemberDocument,
  SwitchCompanyDocument,
  UpdateMemberRoleDocument,
} from "./generated/graphql.js";
import { strongPassword, uniqueEmail } from "./support/accounts.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";

// Two server processes need one shared database and Redis between them: PostgreSQL and REDIS_URL (always set in CI).
const sharedServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

async function call<TData, TVariables>(server: ServerProcess, document: TypedDocumentNode<TData, TVariables>, variables: TVariables, token?: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, ...((await response.json()) as { data?: TData; errors?: unknown[] }) };
}

async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function claimsOf(accessToken: string) {
  const payload = decodeJwt(accessToken);
  return { company: payload.company, role: decodePbClaims(payload.pb_claims).role };
}

describe.runIf(sharedServices)("role changes across two server processes on one database and Redis", () => {
  let database: TestDatabase;
  let first: ServerProcess;
  let second: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "um-roles-"));
    const key = await generateSigningKey(Math.floor(Date.now() / 1000));
    const env = {
      DATABASE_URL: database.url!,
      REDIS_URL: process.env.REDIS_URL!,
      REDIS_NAMESPACE: `um-roles-${Date.now()}`,
      JWT_SIGNING_KEYS: JSON.stringify([{ kid: key.kid, ...key.jwk }]),
      LOG_LEVEL: "warn",
    };
    [first, second] = await Promise.all([
      startServerProcess({ name: "first", entry: "src/main.ts", env: { ...env, DATA_DIR: path.join(dataDir, "first") } }),
      startServerProcess({ name: "second", entry: "src/main.ts", env: { ...env, DATA_DIR: path.join(dataDir, "second") } }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("a role change or removal on one process refuses the member's token on the other at once; refresh and member lists there carry the change", async () => {
    const owner = (await call(first, RegisterDocument, { input: { email: uniqueEmail("owner"), password: strongPassword, fullName: "Owner" } })).data!.register;
    const companyId = (await call(first, CreateCompanyDocument, { input: { name: "Replicated Ltd" } }, owner.tokens!.accessToken)).data!.createCompany.company!.id;
    const email = uniqueEmail("member");
    const invited = (await call(first, InviteUserDocument, { companyId, input: { email, role: "MEMBER" } }, owner.tokens!.accessToken)).data!.inviteUser;
    const member = (await call(second, RegisterDocument, { input: { email, password: strongPassword, fullName: "Member", invitationCode: invited.invitationCode } })).data!.register;
    expect(member.assignment).toBe("INVITATION");
    expect(claimsOf(member.tokens!.accessToken)).toEqual({ company: companyId, role: ClaimRole.MEMBER });
    expect((await call(second, MeDocument, {}, member.tokens!.accessToken)).status).toBe(200);

    await call(first, UpdateMemberRoleDocument, { companyId, userId: member.user!.id, role: "VIEWER" }, owner.tokens!.accessToken);
    expect(await eventually(async () => (await call(second, MeDocument, {}, member.tokens!.accessToken)).status === 401)).toBe(true);
    const asViewer = (await call(second, RefreshTokenDocument, { refreshToken: member.tokens!.refreshToken })).data!.refreshToken.tokens!;
    expect(claimsOf(asViewer.accessToken)).toEqual({ company: companyId, role: ClaimRole.VIEWER });
    expect((await call(second, MeDocument, {}, asViewer.accessToken)).status).toBe(200);

    const ownerInCompany = (await call(second, SwitchCompanyDocument, { companyId }, owner.tokens!.accessToken)).data!.switchCompany.tokens!.accessToken;
    const membersOnSecond = async () =>
      (await call(second, CompanyMembersDocument, { id: companyId }, ownerInCompany)).data!.company!.members!.edges.map((edge) => [edge.node.user.id, edge.node.role]);
    expect(await membersOnSecond()).toContainEqual([member.user!.id, "VIEWER"]);

    await call(first, RemoveMemberDocument, { companyId, userId: member.user!.id }, owner.tokens!.accessToken);
    expect(await eventually(async () => (await membersOnSecond()).every(([id]) => id !== member.user!.id))).toBe(true);
    expect(await eventually(async () => (await call(second, MeDocument, {}, asViewer.accessToken)).status === 401)).toBe(true);
    const afterRemoval = (await call(second, RefreshTokenDocument, { refreshToken: asViewer.refreshToken })).data!.refreshToken.tokens!;
    const individual = claimsOf(afterRemoval.accessToken);
    expect(individual.company).not.toBe(companyId);
    expect(individual.role).toBe(ClaimRole.OWNER);
    const me = await call(second, MeDocument, {}, afterRemoval.accessToken);
    expect(me.data!.me!.activeCompany).toMatchObject({ id: individual.company, type: "INDIVIDUAL" });
  });
});
