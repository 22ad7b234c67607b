import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

interface GatewayContext {
  authorization?: string;
}

/** A real @apollo/gateway over `supergraphSdl`, served on a free loopback port; forwards the caller's Authorization. */
export async function startGateway(supergraphSdl: string, plugins: ApolloServerPlugin<GatewayContext>[] = []): Promise<{ url: string; close(): Promise<void> }> {
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          if (typeof context.authorization === "string") request.http?.headers.set("authorization", context.authorization);
        },
      }),
  });
  const server = new ApolloServer<GatewayContext>({ gateway, plugins });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port: 0 },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, close: () => server.stop() };
}
