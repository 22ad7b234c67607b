import type { GraphQLFormattedError } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeRunningSubgraphs } from "../examples/gateway/compose.js";
import { startGateway } from "../examples/gateway/gateway.js";
import { startOrdersSubgraph, type StoredOrder } from "../examples/gateway/orders-subgraph.js";
import { MeDocument } from "./generated/graphql.js";
import { registerAccount } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";

interface OrderResult {
  order: {
    id: string;
    placedBy?: { id: string; fullName: string; email: string | null };
    company?: { id: string; name: string; orders: { id: string }[] };
  } | null;
}

const orderQuery = `query ($id: ID!) {
  order(id: $id) { id placedBy { id fullName email } company { id name orders { id } } }
}`;
const orderPlacedByQuery = `query ($id: ID!) { order(id: $id) { id placedBy { id fullName email } } }`;
const orderCompanyQuery = `query ($id: ID!) { order(id: $id) { id company { id name } } }`;

type Account = Awaited<ReturnType<typeof registerAccount>> & { companyId: string };

let server: TestServer;
let orders: Awaited<ReturnType<typeof startOrdersSubgraph>> | undefined;
let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
let ann: Account;
let bob: Account;

beforeAll(async () => {
  server = await startTestServer();
  ann = await registerWithCompany("Ann Able");
  bob = await registerWithCompany("Bob Baker");
  const { issuer, audience } = server.deps.config.tokens;
  orders = await startOrdersSubgraph({
    host: "127.0.0.1",
    port: 0,
    portVariable: "the orders port",
    verification: { jwksUrl: `${server.url}/.well-known/jwks.json`, issuer, audience },
    orders: [storedOrder("order-ann", ann), storedOrder("order-bob", bob)],
  });
  const supergraphSdl = await composeRunningSubgraphs({ userManagement: `${server.url}/graphql`, orders: orders.url });
  gateway = await startGateway(supergraphSdl, { host: "127.0.0.1", port: 0, portVariable: "the gateway port" });
});

function storedOrder(id: string, account: Account): StoredOrder {
  return { id, symbol: "ACME", side: "BUY", quantity: 1, placedAt: new Date().toISOString(), placedById: account.user.id, companyId: account.companyId, correlationId: null };
}

afterAll(async () => {
  await gateway?.close();
  await orders?.close();
  await server?.close();
});

async function registerWithCompany(fullName: string): Promise<Account> {
  const account = await registerAccount(server, { fullName });
  const me = await server.graphql(MeDocument, {}, { token: account.tokens.accessToken });
  const companyId = me.data?.me?.activeCompany?.id;
  if (!companyId) throw new Error(`no active company: ${JSON.stringify(me.errors)}`);
  return { ...account, companyId };
}

async function viaGateway(query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(gateway!.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: OrderResult | null; errors?: GraphQLFormattedError[] };
}

function errorSummary(errors: readonly GraphQLFormattedError[] = []) {
  return errors.map((error) => ({ path: error.path?.join("."), code: error.extensions?.code, service: error.extensions?.serviceName }));
}

describe("a query spanning the orders subgraph and ours, through @apollo/gateway", () => {
  it("answers the caller's own order with their email and company, and the company's orders", async () => {
    const result = await viaGateway(orderQuery, { id: "order-ann" }, ann.tokens.accessToken);
    expect(result.errors).toBeUndefined();
    expect(result.data?.order).toEqual({
      id: "order-ann",
      placedBy: { id: ann.user.id, fullName: "Ann Able", email: ann.email },
      company: { id: ann.companyId, name: "Ann Able", orders: [{ id: "order-ann" }] },
    });
  });

  it("shows another user's name but denies their email (FORBIDDEN at that path)", async () => {
    const result = await viaGateway(orderPlacedByQuery, { id: "order-bob" }, ann.tokens.accessToken);
    expect(result.data?.order?.placedBy).toEqual({ id: bob.user.id, fullName: "Bob Baker", email: null });
    expect(errorSummary(result.errors)).toEqual([{ path: "order.placedBy.email", code: "FORBIDDEN", service: "user-management" }]);
  });

  it("denies a company the caller is not a member of (FORBIDDEN)", async () => {
    const result = await viaGateway(orderCompanyQuery, { id: "order-bob" }, ann.tokens.accessToken);
    // The orders SDL declares `company: Company!`, so the denied company nulls the whole order.
    expect(result.data?.order).toBeNull();
    expect(errorSummary(result.errors)).toEqual([{ path: "order.company.name", code: "FORBIDDEN", service: "user-management" }]);
    expect(JSON.stringify(result)).not.toContain("Bob Baker");
  });

  it("without a token, our subgraph refuses the entity fetch (UNAUTHENTICATED) and nothing of the user leaks", async () => {
    const result = await viaGateway(orderQuery, { id: "order-ann" });
    // `fullName: String!` and `name: String!` are denied, so nulls bubble up to the nullable `order`; the
    // denial is decided at once, so the user's other fields are not even resolved (and not reported).
    expect(result.data?.order).toBeNull();
    expect(errorSummary(result.errors)).toEqual(
      expect.arrayContaining([
        { path: "order.placedBy.fullName", code: "UNAUTHENTICATED", service: "user-management" },
        { path: "order.company.name", code: "UNAUTHENTICATED", service: "user-management" },
      ]),
    );
    expect(JSON.stringify(result)).not.toContain("Ann Able");
    expect(JSON.stringify(result)).not.toContain(ann.email);
  });
});
