import { randomBytes, randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify from "fastify";
import { parse } from "graphql";

// The baseline: the same HTTP, GraphQL and federation stack answering every bench shape with constants.
const typeDefs = parse(`#graphql
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type User @key(fields: "id") { id: ID! email: String! fullName: String! }
  type Membership { user: User! role: String! }
  type MembershipEdge { node: Membership! }
  type MembershipConnection { edges: [MembershipEdge!]! }
  type Company { id: ID! members(first: Int): MembershipConnection! }
  type UserError { field: String code: String! message: String! }
  type AuthTokens { accessToken: String! refreshToken: String! }
  type TokenPayload { tokens: AuthTokens userErrors: [UserError!]! }
  input LoginInput { email: String! password: String! }
  type Query { me: User company(id: ID!): Company }
  type Mutation { login(input: LoginInput!): TokenPayload! refreshToken(refreshToken: String!): TokenPayload! }
`);

const me = {
  id: randomUUID(),
  email: process.env.BENCH_USER_EMAIL ?? "bench@example.com",
  fullName: process.env.BENCH_USER_FULL_NAME ?? "Bench User",
};
const members = Array.from({ length: 50 }, (_, index) => ({ node: { user: { ...me, fullName: `Member ${index}` }, role: "MEMBER" } }));
const tokens = () => ({ tokens: { accessToken: randomBytes(32).toString("base64url"), refreshToken: randomBytes(32).toString("base64url") }, userErrors: [] });

const resolvers = {
  Query: { me: () => me, company: (_: unknown, args: { id: string }) => ({ id: args.id }) },
  Company: { members: () => ({ edges: members }) },
  User: { __resolveReference: (reference: { id: string }) => ({ ...me, id: reference.id }) },
  Mutation: { login: tokens, refreshToken: tokens },
};

const app = Fastify();
const apollo = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers }), plugins: [fastifyApolloDrainPlugin(app)] });
await apollo.start();
app.route({ url: "/graphql", method: ["GET", "POST", "OPTIONS"], handler: fastifyApolloHandler(apollo) });
app.get("/health/ready", async () => ({ status: "ready" }));
await app.listen({ host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 4002) });

const shutdown = async () => {
  await app.close();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
