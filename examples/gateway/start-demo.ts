import "reflect-metadata";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../../src/config.js";
import { closeDependencies, openDependencies, type AppDeps } from "../../src/deps.js";
import { createLogger, type Logger } from "../../src/platform/logger.js";
import { createServer } from "../../src/server.js";
import { composeRunningSubgraphs } from "./compose.js";
import { startGateway } from "./gateway.js";
import { listenOn, requireFreePort, type Listening } from "./http.js";
import { startOrdersSubgraph, type OrdersSubgraph } from "./orders-subgraph.js";

export interface DemoPorts {
  gateway: number;
  subgraph: number;
  orders: number;
}

/** The environment variable of each port; our subgraph's is its own `PORT`. */
export const demoPortVariables = { gateway: "DEMO_GATEWAY_PORT", subgraph: "PORT", orders: "DEMO_ORDERS_PORT" } as const satisfies Record<keyof DemoPorts, string>;
export const defaultDemoPorts: DemoPorts = { gateway: 4000, subgraph: 4001, orders: 4002 };

const host = "127.0.0.1";

export interface DemoOptions {
  /** Our subgraph's environment (see the README's configuration); DATA_DIR defaults to `.data/demo`, LOG_LEVEL to `warn`. */
  environment?: Record<string, string | undefined>;
  /** Ports to listen on; 0 picks a free one. Our subgraph's defaults to its PORT. */
  ports?: Partial<DemoPorts>;
  logger?: Logger;
}

export interface Demo {
  gatewayUrl: string;
  subgraphUrl: string;
  ordersUrl: string;
  /** Our subgraph's long-lived parts (its database among them). */
  deps: AppDeps;
  orders: OrdersSubgraph;
  /** Stops the gateway, the orders subgraph and ours, in that order. */
  stop(): Promise<void>;
}

/** The ports the demo listens on: DEMO_GATEWAY_PORT, PORT and DEMO_ORDERS_PORT, each defaulting to `defaultDemoPorts`. */
export function demoPortsFrom(environment: Record<string, string | undefined>): DemoPorts {
  const port = (name: keyof DemoPorts) => {
    const text = environment[demoPortVariables[name]];
    if (text === undefined || text === "") return defaultDemoPorts[name];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${demoPortVariables[name]} must be a port number (0 to 65535), not "${text}"`);
    return value;
  };
  return { gateway: port("gateway"), subgraph: port("subgraph"), orders: port("orders") };
}

/**
 * Starts our subgraph in-process (the code main.ts runs: openDependencies + createServer), the orders subgraph
 * verifying our tokens against our JWKS, and an @apollo/gateway composed from our running subgraph's
 * `_service { sdl }` and the orders SDL. A failure stops whatever had started.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const config = loadConfig({ DATA_DIR: ".data/demo", LOG_LEVEL: "warn", ...(options.environment ?? process.env) });
  const ports: DemoPorts = { ...defaultDemoPorts, subgraph: config.http.port, ...options.ports };
  const listen = (name: keyof DemoPorts) => ({ host, port: ports[name], portVariable: demoPortVariables[name] });
  for (const name of ["gateway", "subgraph", "orders"] as const) await requireFreePort(listen(name));

  const logger = options.logger ?? createLogger({ level: config.log.level });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopPart of stops.splice(0).reverse()) await stopPart();
  };
  try {
    const deps = await openDependencies(config, logger);
    stops.push(() => closeDependencies(deps));
    const app: FastifyInstance = await createServer(deps);
    stops.push(() => app.close());
    const subgraphOrigin = await listenOn(app, listen("subgraph"));
    const subgraphUrl = `${subgraphOrigin}/graphql`;

    const orders = await startOrdersSubgraph({
      ...listen("orders"),
      verification: { jwksUrl: `${subgraphOrigin}/.well-known/jwks.json`, issuer: config.tokens.issuer, audience: config.tokens.audience },
    });
    stops.push(() => orders.close());

    const supergraphSdl = await composeRunningSubgraphs({ userManagement: subgraphUrl, orders: orders.url });
    const gateway: Listening = await startGateway(supergraphSdl, listen("gateway"));
    stops.push(() => gateway.close());

    return { gatewayUrl: gateway.url, subgraphUrl, ordersUrl: orders.url, deps, orders, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
