import type { GraphQLLoad } from "./http-load.js";
import { isFullMembersPage, membersPageSize, membersQuery, seedMembersCompany } from "./members-page.js";
import { accessTokenOf, loginMutation, meQuery, postGraphQL, registerMutation } from "./operations.js";
import type { ServerProcess } from "./server-process.js";

/** One request shape, as sent to our server and to the bare baseline. */
export interface RequestShape {
  name: string;
  ours: GraphQLLoad;
  bare: GraphQLLoad;
  /** Requests in one CPU round: about a second of work, so the scheduler's account of it is exact to well under 1 %. */
  requestsPerRound: number;
  /** The fixed rate its latency is measured at when both servers sustain it. */
  preferredFixedRate: number;
}

export interface BenchUser {
  email: string;
  password: string;
  fullName: string;
}

export const shapeNames = ["typename", "me-id", "me-profile", "members-page", "entities-50", "login"] as const;
export type ShapeName = (typeof shapeNames)[number];

const entitiesQuery = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { id fullName } }
}`;

/**
 * Registers `user` on our server, seeds a company of 50 members it owns, and returns every shape with
 * the same body and headers for both servers (the bare one answers constants of the same form).
 */
export async function prepareShapes(ours: ServerProcess, bare: ServerProcess, user: BenchUser): Promise<RequestShape[]> {
  const post = (body: string, token?: string) => postGraphQL(ours.url, body, token ? { authorization: `Bearer ${token}` } : {});
  const ownerToken = accessTokenOf(await post(JSON.stringify({ query: registerMutation, variables: { input: user } })), "register");
  const { companyId, token } = await seedMembersCompany(post, ownerToken);
  const memberIds = await memberIdsOf(post, companyId, token);
  const bearer = { authorization: `Bearer ${token}` };
  const both = (name: ShapeName, body: string, headers: Record<string, string>, isCorrect: (text: string) => boolean, requestsPerRound: number, preferredFixedRate: number): RequestShape => ({
    name,
    ours: { url: ours.url, body, headers, isCorrect },
    bare: { url: bare.url, body, headers, isCorrect },
    requestsPerRound,
    preferredFixedRate,
  });
  const representations = memberIds.map((id) => ({ __typename: "User", id }));
  return [
    both("typename", JSON.stringify({ query: "{ __typename }" }), {}, (text) => text.startsWith('{"data":{"__typename":"Query"}}'), 6_000, 1_000),
    both("me-id", JSON.stringify({ query: "{ me { id } }" }), bearer, (text) => text.includes('"id":"') && !text.includes('"errors"'), 5_000, 1_000),
    both("me-profile", JSON.stringify({ query: meQuery }), bearer, (text) => text.includes(`"email":"${user.email}"`) && !text.includes('"errors"'), 5_000, 1_000),
    both("members-page", JSON.stringify({ query: membersQuery, variables: { id: companyId } }), bearer, isFullMembersPage, 1_500, 500),
    both("entities-50", JSON.stringify({ query: entitiesQuery, variables: { representations } }), bearer, isFullMembersPage, 1_500, 500),
    both("login", JSON.stringify({ query: loginMutation, variables: { input: { email: user.email, password: user.password } } }), {}, (text) => text.includes('"accessToken":"'), 60, 20),
  ];
}

async function memberIdsOf(post: (body: string, token?: string) => ReturnType<typeof postGraphQL>, companyId: string, token: string): Promise<string[]> {
  const query = `query Ids($id: ID!) { company(id: $id) { members(first: ${membersPageSize}) { edges { node { user { id } } } } } }`;
  const result = await post(JSON.stringify({ query, variables: { id: companyId } }), token);
  const edges = (result.data?.company as { members?: { edges?: Array<{ node: { user: { id: string } } }> } } | undefined)?.members?.edges;
  if (!edges || edges.length !== membersPageSize) throw new Error(`members page without ${membersPageSize} members: ${JSON.stringify(result).slice(0, 500)}`);
  return edges.map((edge) => edge.node.user.id);
}
