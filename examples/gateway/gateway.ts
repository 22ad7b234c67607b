import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { serveGraphQL, type Listening, type ListenOptions } from "./http.js";

interface GatewayContext {
  authorization?: string;
  /** The client's x-correlation-id when well-formed, else one made here; sent to every subgraph and back to the client. */
  correlationId: string;
}

/** Forwards the caller's Authorization and the request's correlation id to every subgraph fetch. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>["willSendRequest"]>>[0]) {
    if (typeof context.authorization === "string") request.http?.headers.set("authorization", context.authorization);
    if (typeof context.correlationId === "string") request.http?.headers.set("x-correlation-id", context.correlationId);
  }
}

/** A real @apollo/gateway over `supergraphSdl`, served on POST/GET /graphql; `plugins` are the gateway server's extra plugins. */
export async function startGateway(supergraphSdl: string, options: ListenOptions, plugins: ApolloServerPlugin<BaseContext>[] = []): Promise<Listening> {
  const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ url }) => new ForwardingDataSource({ url }) });
  const server = new ApolloServer<GatewayContext>({ gateway, stopOnTerminationSignals: false, plugins });
  return serveGraphQL(server, {
    ...options,
    context: async (request) => ({ authorization: request.headers.authorization, correlationId: request.id }),
  });
}
