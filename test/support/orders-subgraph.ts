import { composeServices } from "@apollo/composition";
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
export function composeWithOrders(userManagementSdl: string) {
  const result = composeServices([
    { name: "user-management", typeDefs: parse(userManagementSdl), url: "http://user-management/graphql" },
    { name: "orders", typeDefs: parse(ordersSubgraphSdl), url: "http://orders/graphql" },
  ]);
  return { errors: result.errors ?? [], supergraphSdl: result.supergraphSdl ?? "" };
}
