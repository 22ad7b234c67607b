import { randomBytes } from "node:crypto";

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
}

export const demoPassword = "correct horse battery staple";

/** Registers a trader through the gateway (our subgraph answers). */
export function registerOperation(email: string): GraphQLRequest {
  return {
    query: `mutation { register(input: { email: "${email}", password: "${demoPassword}", fullName: "Demo Trader" }) { user { id email } tokens { accessToken } userErrors { code message } } }`,
  };
}

/** Places an order as the token's bearer (the orders subgraph answers, after verifying the token against our JWKS). */
export const placeOrderOperation: GraphQLRequest = {
  query: `mutation { placeOrder(input: { symbol: "ACME", side: BUY, quantity: 10 }) { id symbol side quantity correlationId } }`,
};

/** One query across both subgraphs: the user and their company from ours, their orders from the orders subgraph. */
export const spanningQuery: GraphQLRequest = {
  query: `{ me { id fullName email activeCompany { name subscription { tier } orders { id symbol } } orders { id symbol side quantity placedAt placedBy { fullName } } } }`,
};

/** A fresh address for each start of the demo, so the printed registration works against kept data too. */
export function demoEmail(): string {
  return `trader-${randomBytes(3).toString("hex")}@example.com`;
}

function curl(gatewayUrl: string, request: GraphQLRequest, headers: string[] = []): string {
  const body = JSON.stringify(request);
  if (body.includes("'")) throw new Error("a demo operation must not contain a single quote");
  return ["curl -s", gatewayUrl, "-H 'content-type: application/json'", ...headers, `-d '${body}'`].join(" ");
}

/** The shell lines the demo prints: register, place an order, query across both subgraphs. */
export function demoShellLines(gatewayUrl: string, email: string): string[] {
  const token = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).data.register.tokens.accessToken'`;
  const bearer = `-H "authorization: Bearer $TOKEN"`;
  return [
    `TOKEN=$(${curl(gatewayUrl, registerOperation(email))} | ${token})`,
    `${curl(gatewayUrl, placeOrderOperation, [bearer])}; echo`,
    `${curl(gatewayUrl, spanningQuery, [bearer, "-H 'x-correlation-id: demo-query-1'", "-D -"])}; echo`,
  ];
}
