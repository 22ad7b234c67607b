import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify from "fastify";

// The baseline: the same HTTP and GraphQL stack with a trivial schema and a constant answer.
const typeDefs = `#graphql
  type User { id: ID! email: String! fullName: String! }
  type Query { me: User }
`;

const me = {
  id: randomUUID(),
  email: process.env.BENCH_USER_EMAIL ?? "bench@example.com",
  fullName: process.env.BENCH_USER_FULL_NAME ?? "Bench User",
};
const resolvers = { Query: { me: () => me } };

const app = Fastify();
const apollo = new ApolloServer({ typeDefs, resolvers, plugins: [fastifyApolloDrainPlugin(app)] });
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
