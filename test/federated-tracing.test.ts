import { readFile } from "node:fs/promises";
import { composeServices } from "@apollo/composition";
import type { ApolloServerPlugin } from "@apollo/server";
import { Trace } from "@apollo/usage-reporting-protobuf";
import { GraphQLError, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { traceableError } from "../src/platform/tracing/federated-trace.js";
import { DomainError, ErrorCode } from "../src/platform/errors.js";
import { registerAccount } from "./support/accounts.js";
import { startGateway } from "../examples/gateway/gateway.js";
import { startTestServer, type TestServer } from "./support/server.js";

const meQuery = "query Me { me { id email } }";
const includeTrace = { "apollo-federation-include-trace": "ftv1" };

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await registerAccount(server)).tokens.accessToken;
});

afterAll(async () => {
  await server?.close();
});

async function post(target: TestServer, headers: Record<string, string>, query = meQuery) {
  const response = await fetch(`${target.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: { me: { id: string; email: string } | null }; errors?: { extensions?: { code?: string } }[]; extensions?: { ftv1?: string } };
}

function child(node: Trace.INode | null | undefined, responseName: string): Trace.INode | undefined {
  return node?.child?.find((candidate) => candidate.responseName === responseName);
}

describe("federated tracing (ftv1)", () => {
  it("answers a request asking for it with the field timings of the operation in extensions.ftv1", async () => {
    const body = await post(server, includeTrace);
    expect(body.errors).toBeUndefined();
    expect(body.data?.me?.email).toContain("@example.com");
    const trace = Trace.decode(Buffer.from(body.extensions!.ftv1!, "base64"));
    const me = child(trace.root, "me");
    expect(me).toMatchObject({ parentType: "Query", type: "User" });
    expect(child(me, "email")).toMatchObject({ parentType: "User", type: "EmailAddress" });
    expect(child(me, "id")).toBeDefined();
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
  });

  it("records an expected error at its field with the message and code the client got", async () => {
    const body = await post(server, includeTrace, "{ securityEvents(first: 1000) { riskScore } me { id } }");
    expect(body.errors).toMatchObject([{ extensions: { code: "OUT_OF_RANGE" } }]);
    const trace = Trace.decode(Buffer.from(body.extensions!.ftv1!, "base64"));
    const [error, ...more] = child(trace.root, "securityEvents")?.error ?? [];
    expect(more).toEqual([]);
    expect(error?.message).toBe((body.errors![0] as { message: string }).message);
    expect(JSON.parse(error!.json!)).toMatchObject({ extensions: { code: "OUT_OF_RANGE" } });
    expect(child(trace.root, "me")?.error).toEqual([]);
  });

  it("ignores a header asking for anything but ftv1, and answers normally", async () => {
    for (const value of ["ftv2", "FTV1", "ftv1, ftv1", ""]) {
      const body = await post(server, { "apollo-federation-include-trace": value });
      expect(body.errors).toBeUndefined();
      expect(body.data?.me?.id).toBeDefined();
      expect(body.extensions?.ftv1).toBeUndefined();
    }
    expect((await post(server, {})).extensions?.ftv1).toBeUndefined();
  });

  it("answers no trace with FEDERATED_TRACING=false", async () => {
    const untraced = await startTestServer({ FEDERATED_TRACING: "false" });
    try {
      token = (await registerAccount(untraced)).tokens.accessToken;
      const body = await post(untraced, includeTrace);
      expect(body.data?.me?.id).toBeDefined();
      expect(body.extensions?.ftv1).toBeUndefined();
    } finally {
      token = (await registerAccount(server)).tokens.accessToken;
      await untraced.close();
    }
  });

  it("reaches @apollo/gateway: the gateway asks for ftv1, reads our trace into its query plan trace, and answers as before", async () => {
    const sdl = await readFile(new URL("../schema/user-management.graphql", import.meta.url), "utf8");
    const composed = composeServices([{ name: "user-management", typeDefs: parse(sdl), url: `${server.url}/graphql` }]);
    expect(composed.errors ?? []).toEqual([]);
    let queryPlanTrace: Trace.IQueryPlanNode | null | undefined;
    const captureTraces: ApolloServerPlugin = {
      async requestDidStart({ metrics }) {
        metrics.captureTraces = true;
        return {
          async willSendResponse({ metrics: done }) {
            queryPlanTrace = done.queryPlanTrace;
          },
        };
      },
    };
    const gateway = await startGateway(composed.supergraphSdl!, { host: "127.0.0.1", port: 0, portVariable: "the gateway port" }, [captureTraces]);
    try {
      const response = await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: meQuery }),
      });
      const body = (await response.json()) as { data?: { me: { email: string } }; errors?: unknown; extensions?: { ftv1?: string } };
      expect(body.errors).toBeUndefined();
      expect(body.data?.me.email).toContain("@example.com");
      expect(body.extensions?.ftv1).toBeUndefined();
      const fetchNode = queryPlanTrace?.fetch;
      expect(fetchNode).toMatchObject({ serviceName: "user-management", traceParsingFailed: false });
      expect(child(child(fetchNode!.trace!.root, "me"), "email")).toBeDefined();
    } finally {
      await gateway.close();
    }
  });
});

describe("errors in a trace", () => {
  // Apollo's trace builder hands the transform a copy of each error's own enumerable fields (no originalError).
  const asTheTraceSeesIt = (error: GraphQLError) => traceableError(Object.assign(Object.create(GraphQLError.prototype) as GraphQLError, error));

  it("carry what the client is told: expected errors keep their message and code, unexpected ones are masked", () => {
    const internal = new GraphQLError("connect ECONNREFUSED 10.0.0.5:5432 (password=hunter2)", { path: ["me"], originalError: new Error("connect ECONNREFUSED") });
    const masked = asTheTraceSeesIt(internal);
    expect(masked.message).toBe("Internal server error");
    expect(masked.extensions).toEqual({ code: ErrorCode.INTERNAL_SERVER_ERROR });
    expect(masked.path).toEqual(["me"]);
    expect(JSON.stringify(masked)).not.toContain("hunter2");

    const domain = new DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 1 and 200", ["first"]);
    const expected = new GraphQLError(domain.message, { path: ["securityEvents"], originalError: domain });
    expect(asTheTraceSeesIt(expected)).toMatchObject({ message: "first must be between 1 and 200", extensions: { code: ErrorCode.OUT_OF_RANGE } });

    const refused = new GraphQLError("Not authorised", { extensions: { code: ErrorCode.FORBIDDEN } });
    expect(asTheTraceSeesIt(refused)).toMatchObject({ message: "Not authorised", extensions: { code: ErrorCode.FORBIDDEN } });
  });
});
