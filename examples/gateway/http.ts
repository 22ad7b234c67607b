import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import type { ApolloServer, BaseContext } from "@apollo/server";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";

const correlationIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export interface Listening {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** The environment variable that sets `port`, named when the port is taken. */
  portVariable: string;
}

/** The error a listen on a taken port turns into: which port, and how to choose another. */
export function portTakenError(port: number, portVariable: string): Error {
  return new Error(`Port ${port} is already in use: stop what listens there or set ${portVariable} to another port.`);
}

/** Fails with `portTakenError` when something listens on the port already (port 0 always passes). */
export async function requireFreePort(options: ListenOptions): Promise<void> {
  if (options.port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? portTakenError(options.port, options.portVariable) : error));
    probe.listen(options.port, options.host, () => probe.close(() => resolve()));
  });
}

/** Listens and returns the origin (http://host:port), turning EADDRINUSE into a message that names the port and its variable. */
export async function listenOn(app: FastifyInstance, options: ListenOptions): Promise<string> {
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw portTakenError(options.port, options.portVariable);
    throw error;
  }
  const address = app.server.address();
  if (typeof address !== "object" || !address) throw new Error("the server has no address");
  return `http://${options.host}:${address.port}`;
}

/**
 * Serves `apollo` on POST/GET /graphql with fastify. Every request gets a correlation id, the caller's
 * `x-correlation-id` when well-formed or a new one, and the response carries it back.
 */
export async function serveGraphQL<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: ListenOptions & { context(request: FastifyRequest): Promise<TContext> },
): Promise<Listening> {
  const app = Fastify({
    logger: false,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers["x-correlation-id"];
      return typeof given === "string" && correlationIdPattern.test(given) ? given : randomUUID();
    },
  });
  apollo.addPlugin(fastifyApolloDrainPlugin(app));
  await apollo.start();
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-correlation-id", request.id);
  });
  app.route({ url: "/graphql", method: ["GET", "POST", "OPTIONS"], handler: fastifyApolloHandler(apollo, { context: options.context }) });
  try {
    const origin = await listenOn(app, options);
    return {
      url: `${origin}/graphql`,
      async close() {
        await app.close();
        await apollo.stop();
      },
    };
  } catch (error) {
    await apollo.stop();
    throw error;
  }
}
