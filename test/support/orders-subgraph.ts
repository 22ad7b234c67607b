import { composeServices } from "@apollo/composition";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

/** A second subgraph as another team would write it: it references User and extends Company by key. */
export const ordersSubgraphSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  type Order @key(fields: "id") {
    id: ID!
    placedBy: User!
    company: Company!
  }

  type User @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Company @key(fields: "id") {
    id: ID!
    orders: [Order!]!
  }

  type Query {
    order(id: ID!): Order
  }
`;

/** Composes our subgraph SDL with the orders subgraph; returns composition errors and the supergraph. */
export function composeWithOrders(
  userManagementSdl: string,
  urls = { userManagement: "http://user-management/graphql", orders: "http://orders/graphql" },
) {
  const result = composeServices([
    { name: "user-management", typeDefs: parse(userManagementSdl), url: urls.userManagement },
    { name: "orders", typeDefs: parse(ordersSubgraphSdl), url: urls.orders },
  ]);
  return { errors: result.errors ?? [], supergraphSdl: result.supergraphSdl ?? "" };
}

export interface StoredOrder {
  id: string;
  placedById: string;
  companyId: string;
}

/** The orders subgraph served over HTTP on a free loopback port, holding `orders` in memory. */
export async function startOrdersSubgraph(orders: StoredOrder[]): Promise<{ url: string; close(): Promise<void> }> {
  const byId = (id: string) => orders.find((order) => order.id === id) ?? null;
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(ordersSubgraphSdl),
      resolvers: {
        Query: { order: (_parent: unknown, { id }: { id: string }) => byId(id) },
        Order: {
          __resolveReference: ({ id }: { id: string }) => byId(id),
          placedBy: (order: StoredOrder) => ({ __typename: "User", id: order.placedById }),
          company: (order: StoredOrder) => ({ id: order.companyId }),
        },
        Company: {
          orders: (company: { id: string }) => orders.filter((order) => order.companyId === company.id),
        },
      },
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
  return { url, close: () => server.stop() };
}
