import "reflect-metadata";
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../src/config.js";
import { embeddedEnvironment } from "./bench-services.js";
import { closeDependencies, openDependencies } from "../src/deps.js";
import { createLogger } from "../src/platform/logger.js";
import { createServer } from "../src/server.js";
import { meQuery, type GraphQLBody } from "./operations.js";

export const membersPageSize = 50;

export const membersQuery = `query Members($id: ID!) {
  company(id: $id) { members(first: ${membersPageSize}) { edges { node { user { fullName } role } } } }
}`;

const createCompanyMutation = `mutation { createCompany(input: { name: "Bench Members Ltd" }) { company { id } userErrors { code } } }`;
const inviteMutation = `mutation Invite($companyId: ID!, $email: EmailAddress!) {
  inviteUser(companyId: $companyId, input: { email: $email, role: MEMBER }) { invitationCode userErrors { code } }
}`;
const registerMutation = `mutation Register($input: RegisterInput!) { register(input: $input) { tokens { accessToken } userErrors { code } } }`;
const switchMutation = `mutation Switch($companyId: ID!) { switchCompany(companyId: $companyId) { tokens { accessToken } userErrors { code } } }`;

/** Sends one GraphQL operation; `post` is plain fetch against a child server or Fastify's inject in process. */
export type GraphQLPost = (body: string, token?: string) => Promise<GraphQLBody>;

function dataOf<T>(result: GraphQLBody, path: string[]): T {
  let value: unknown = result.data;
  for (const key of path) value = (value as Record<string, unknown> | null | undefined)?.[key];
  if (value == null) throw new Error(`${path.join(".")} missing: ${JSON.stringify(result).slice(0, 500)}`);
  return value as T;
}

/**
 * An organization of `membersPageSize` members (its owner registered as `owner`, the rest invited and
 * registered with their code) and the owner's token scoped to it.
 */
export async function seedMembersCompany(post: GraphQLPost, ownerToken: string): Promise<{ companyId: string; token: string }> {
  const companyId = dataOf<string>(await post(JSON.stringify({ query: createCompanyMutation }), ownerToken), ["createCompany", "company", "id"]);
  // FREE seats three members: the page of fifty needs ENTERPRISE (the development payment provider approves).
  const upgrade = { companyId, input: { action: "UPGRADE", targetTier: "ENTERPRISE" } };
  dataOf(await post(JSON.stringify({ query: upgradeMutation, variables: upgrade }), ownerToken), ["changeSubscription", "subscription", "tier"]);
  for (let index = 1; index < membersPageSize; index++) {
    const email = `bench-member-${index}-${randomUUID()}@example.com`;
    const code = dataOf<string>(await post(JSON.stringify({ query: inviteMutation, variables: { companyId, email } }), ownerToken), ["inviteUser", "invitationCode"]);
    const input = { email, password: `Bench-${randomUUID()}`, fullName: `Member ${index}`, invitationCode: code };
    dataOf(await post(JSON.stringify({ query: registerMutation, variables: { input } })), ["register", "tokens"]);
  }
  const token = dataOf<string>(await post(JSON.stringify({ query: switchMutation, variables: { companyId } }), ownerToken), ["switchCompany", "tokens", "accessToken"]);
  return { companyId, token };
}

const upgradeMutation = `mutation Upgrade($companyId: ID!, $input: ChangeSubscriptionInput!) {
  changeSubscription(companyId: $companyId, input: $input) { subscription { tier } userErrors { code } }
}`;

/** A members-page response with all the page's members in it. */
export function isFullMembersPage(text: string): boolean {
  return !text.includes('"errors"') && text.split('"fullName"').length - 1 === membersPageSize;
}

export interface SqlPerRequest {
  me: number;
  membersPage: number;
  requests: number;
}

/** SQL statements per warm request, counted on a server opened in this process (Fastify inject, no network). */
export async function measureSqlPerRequest(options: { dataDir: string; requests: number }): Promise<SqlPerRequest> {
  const config = loadConfig(embeddedEnvironment(options.dataDir));
  const deps = await openDependencies(config, createLogger({ level: "error" }));
  try {
    const app = await createServer(deps);
    try {
      const post = injector(app);
      const input = { email: `bench-${randomUUID()}@example.com`, password: `Bench-${randomUUID()}`, fullName: "Bench Owner" };
      const ownerToken = dataOf<string>(await post(JSON.stringify({ query: registerMutation, variables: { input } })), ["register", "tokens", "accessToken"]);
      const { companyId, token } = await seedMembersCompany(post, ownerToken);
      const members = JSON.stringify({ query: membersQuery, variables: { id: companyId } });
      const me = JSON.stringify({ query: meQuery });
      const count = async (body: string) => {
        await post(body, token);
        let statements = 0;
        const stop = deps.database.onQuery(() => void (statements += 1));
        try {
          for (let index = 0; index < options.requests; index++) await post(body, token);
        } finally {
          stop();
        }
        return statements / options.requests;
      };
      return { me: await count(me), membersPage: await count(members), requests: options.requests };
    } finally {
      await app.close();
    }
  } finally {
    await closeDependencies(deps);
  }
}

function injector(app: FastifyInstance): GraphQLPost {
  return async (body, token) => {
    const response = await app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      payload: body,
    });
    return response.json<GraphQLBody>();
  };
}
