import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { ordersSubgraphSdl } from "./orders-subgraph.js";

export interface SubgraphUrls {
  userManagement: string;
  orders: string;
}

/** Composes our subgraph SDL with the orders subgraph; returns composition errors and the supergraph. */
export function composeWithOrders(
  userManagementSdl: string,
  urls: SubgraphUrls = { userManagement: "http://user-management/graphql", orders: "http://orders/graphql" },
) {
  const result = composeServices([
    { name: "user-management", typeDefs: parse(userManagementSdl), url: urls.userManagement },
    { name: "orders", typeDefs: parse(ordersSubgraphSdl), url: urls.orders },
  ]);
  return { errors: result.errors ?? [], supergraphSdl: result.supergraphSdl ?? "" };
}

/** A running subgraph's SDL, as a gateway's composition reads it: `{ _service { sdl } }`. */
export async function fetchSubgraphSdl(graphqlUrl: string): Promise<string> {
  const response = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } }; errors?: { message: string }[] };
  const sdl = body.data?._service?.sdl;
  if (!sdl) throw new Error(`${graphqlUrl} gave no SDL (HTTP ${response.status}): ${JSON.stringify(body.errors ?? body)}`);
  return sdl;
}

/** The supergraph of the two running subgraphs; throws with the composition errors when they do not compose. */
export async function composeRunningSubgraphs(urls: SubgraphUrls): Promise<string> {
  const { errors, supergraphSdl } = composeWithOrders(await fetchSubgraphSdl(urls.userManagement), urls);
  if (errors.length) throw new Error(`The subgraphs do not compose:\n  ${errors.map((error) => error.message).join("\n  ")}`);
  return supergraphSdl;
}
