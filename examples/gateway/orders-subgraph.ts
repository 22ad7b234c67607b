import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, parse } from "graphql";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { serveGraphQL, type Listening, type ListenOptions } from "./http.js";

/** A second subgraph as another team would write it: it extends User and Company by key with their orders. */
export const ordersSubgraphSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  enum OrderSide {
    BUY
    SELL
  }

  type Order @key(fields: "id") {
    id: ID!
    symbol: String!
    side: OrderSide!
    quantity: Int!
    placedAt: String!
    placedBy: User!
    company: Company!
    """The correlation id of the request that placed the order, as the gateway forwarded it."""
    correlationId: String
  }

  type User @key(fields: "id") {
    id: ID!
    """Orders the user placed, oldest first (the user themself only)."""
    orders: [Order!]
  }

  type Company @key(fields: "id") {
    id: ID!
    """Orders placed in the company, oldest first (for a token whose active company it is)."""
    orders: [Order!]
  }

  input PlaceOrderInput {
    symbol: String!
    side: OrderSide!
    quantity: Int!
  }

  type Query {
    order(id: ID!): Order
  }

  type Mutation {
    """Places an order as the bearer of the access token, in the token's active company."""
    placeOrder(input: PlaceOrderInput!): Order!
  }
`;

export interface StoredOrder {
  id: string;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: number;
  placedAt: string;
  placedById: string;
  companyId: string;
  correlationId: string | null;
}

/** How the orders subgraph checks our access tokens: offline, against our published JWKS. */
export interface TokenVerification {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

interface OrdersContext {
  authorization: string | undefined;
  correlationId: string;
}

export interface OrdersSubgraph extends Listening {
  /** The orders held in memory (placed ones are appended). */
  orders: StoredOrder[];
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED" } });
}

function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "FORBIDDEN" } });
}

function badInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", field } });
}

/** The orders subgraph over HTTP, holding its orders in memory (starting with `orders`). */
export async function startOrdersSubgraph(
  options: ListenOptions & { verification: TokenVerification; orders?: StoredOrder[] },
): Promise<OrdersSubgraph> {
  const orders = options.orders ?? [];
  const jwks = createRemoteJWKSet(new URL(options.verification.jwksUrl));
  const byId = (id: string) => orders.find((order) => order.id === id) ?? null;

  async function caller(authorization: string | undefined): Promise<{ userId: string; companyId: string }> {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : undefined;
    if (!token) throw unauthenticated("This needs an access token: Authorization: Bearer <token>");
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.verification.issuer,
        audience: options.verification.audience,
        algorithms: ["EdDSA"],
        typ: "at+jwt",
      });
      if (typeof payload.sub !== "string" || typeof payload.company !== "string") throw new Error("the token names no user or company");
      return { userId: payload.sub, companyId: payload.company };
    } catch (error) {
      throw unauthenticated(`The access token was not accepted: ${(error as Error).message}`);
    }
  }

  const apollo = new ApolloServer<OrdersContext>({
    schema: buildSubgraphSchema([{
      typeDefs: parse(ordersSubgraphSdl),
      resolvers: {
        // Open to anyone, so a query can show that our subgraph guards the User and Company fields itself.
        Query: { order: (_parent: unknown, { id }: { id: string }) => byId(id) },
        Mutation: {
          async placeOrder(_parent: unknown, { input }: { input: { symbol: string; side: "BUY" | "SELL"; quantity: number } }, context: OrdersContext) {
            const { userId, companyId } = await caller(context.authorization);
            const symbol = input.symbol.trim().toUpperCase();
            if (!/^[A-Z0-9.]{1,12}$/.test(symbol)) throw badInput("A symbol has 1 to 12 letters, digits or dots", "symbol");
            if (!Number.isInteger(input.quantity) || input.quantity < 1) throw badInput("The quantity must be a positive whole number", "quantity");
            const order: StoredOrder = {
              id: randomUUID(),
              symbol,
              side: input.side,
              quantity: input.quantity,
              placedAt: new Date().toISOString(),
              placedById: userId,
              companyId,
              correlationId: context.correlationId,
            };
            orders.push(order);
            return order;
          },
        },
        Order: {
          __resolveReference: ({ id }: { id: string }) => byId(id),
          placedBy: (order: StoredOrder) => ({ __typename: "User", id: order.placedById }),
          company: (order: StoredOrder) => ({ __typename: "Company", id: order.companyId }),
        },
        User: {
          async orders(user: { id: string }, _args: unknown, context: OrdersContext) {
            if ((await caller(context.authorization)).userId !== user.id) throw forbidden("Only the user themself sees their orders");
            return orders.filter((order) => order.placedById === user.id);
          },
        },
        Company: {
          async orders(company: { id: string }, _args: unknown, context: OrdersContext) {
            if ((await caller(context.authorization)).companyId !== company.id) throw forbidden("Only the token's active company's orders are shown");
            return orders.filter((order) => order.companyId === company.id);
          },
        },
      },
    }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    stopOnTerminationSignals: false,
  });
  const listening = await serveGraphQL(apollo, {
    ...options,
    context: async (request) => ({ authorization: request.headers.authorization, correlationId: request.id }),
  });
  return { ...listening, orders };
}
