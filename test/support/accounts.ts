import { randomUUID } from "node:crypto";
import { LoginDocument, RegisterDocument, type RegisterInput } from "../generated/graphql.js";
import type { TestServer } from "./server.js";

export const strongPassword = "correct horse battery staple";

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID()}@example.com`;
}

/** Registers through the real `register` mutation and returns the new account's ids and tokens. */
export async function registerAccount(server: Pick<TestServer, "graphql">, input: Partial<RegisterInput> = {}) {
  const email = input.email ?? uniqueEmail();
  const result = await server.graphql(RegisterDocument, { input: { email, password: strongPassword, fullName: "Test Person", ...input } });
  const payload = result.data?.register;
  if (!payload?.user || !payload.tokens) throw new Error(`registration failed: ${JSON.stringify(result.errors ?? payload?.userErrors)}`);
  return { email, password: input.password ?? strongPassword, user: payload.user, tokens: payload.tokens };
}

/** Signs in through the real `login` mutation, optionally as a given browser. */
export async function signIn(server: Pick<TestServer, "graphql">, email: string, password = strongPassword, userAgent?: string) {
  const result = await server.graphql(LoginDocument, { input: { email, password } }, userAgent ? { headers: { "user-agent": userAgent } } : {});
  const tokens = result.data?.login.tokens;
  if (!tokens) throw new Error(`sign-in failed: ${JSON.stringify(result.errors ?? result.data?.login.userErrors)}`);
  return tokens;
}
