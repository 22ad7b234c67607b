import { fromBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AuthProcessingEnvelopeSchema } from "../src/generated/proto/user_management/v1/envelope_pb.js";
import { runSubscriptionRollover } from "../src/modules/subscriptions/rollover.js";
import { ChangeSubscriptionDocument } from "./generated/graphql.js";
import { registerAccount, strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { createOrganization, tokensIn } from "./support/tenancy.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: "debug" });
});

afterAll(async () => {
  await server?.close();
});

const prisma = () => server.deps.database.prisma;

async function organization(name: string) {
  const owner = await registerAccount(server, { fullName: `${name} Owner` });
  const companyId = await createOrganization(server, owner, name);
  return { companyId, tokens: await tokensIn(server, owner, companyId) };
}

async function outboxCorrelationIds(companyId: string): Promise<string[]> {
  const rows = await prisma().outboxEvent.findMany({ where: { companyId }, orderBy: { sequence: "asc" } });
  return rows.map((row) => fromBinary(AuthProcessingEnvelopeSchema, row.envelope).correlationId);
}

/** The log lines written from `from` on, once the request's own "request completed" line is among them. */
async function linesOfRequest(from: number, correlationId: string) {
  await vi.waitFor(() => expect(server.logLines.slice(from).some((line) => line.msg === "request completed" && line.correlationId === correlationId)).toBe(true));
  return server.logLines.slice(from);
}

describe("the correlation id", () => {
  it("of a GraphQL mutation is on its response, its audit event, its outbox envelope and every log line written meanwhile", async () => {
    const { companyId, tokens } = await organization("Correlated Co");
    const from = server.logLines.length;
    const result = await server.graphql(ChangeSubscriptionDocument, { companyId, input: { action: "UPGRADE", targetTier: "PRO" } }, {
      token: tokens.accessToken,
      headers: { "x-correlation-id": "corr-upgrade-1" },
    });
    expect(result.errors).toBeUndefined();
    expect(result.headers.get("x-correlation-id")).toBe("corr-upgrade-1");

    const audit = await prisma().auditEvent.findFirstOrThrow({ where: { companyId, action: "subscription.upgrade" } });
    expect(audit.correlationId).toBe("corr-upgrade-1");
    expect(await outboxCorrelationIds(companyId)).toEqual(["corr-upgrade-1"]);

    const lines = await linesOfRequest(from, "corr-upgrade-1");
    // The payment provider logs through the process logger, not the request's: the scope tags it too.
    expect(lines.some((line) => line.component === "payments")).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.correlationId, JSON.stringify(line)).toBe("corr-upgrade-1");
  });

  it("of a REST registration is on its audit event and log lines", async () => {
    const from = server.logLines.length;
    const email = uniqueEmail("rest-corr");
    const response = await fetch(`${server.url}/user/register`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-correlation-id": "corr-rest-1" },
      body: JSON.stringify({ email, password: strongPassword, fullName: "Rest Person" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-correlation-id")).toBe("corr-rest-1");
    const user = await prisma().user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    const audit = await prisma().auditEvent.findFirstOrThrow({ where: { targetId: user.id, action: "user.registered" } });
    expect(audit.correlationId).toBe("corr-rest-1");
    for (const line of await linesOfRequest(from, "corr-rest-1")) expect(line.correlationId, JSON.stringify(line)).toBe("corr-rest-1");
  });

  it("of a request without one (or with a malformed one) is generated, and still reaches its audit event", async () => {
    const { companyId, tokens } = await organization("Generated Co");
    const result = await server.graphql(ChangeSubscriptionDocument, { companyId, input: { action: "UPGRADE", targetTier: "PRO" } }, {
      token: tokens.accessToken,
      headers: { "x-correlation-id": "not a valid id; drop table" },
    });
    const generated = result.headers.get("x-correlation-id")!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await prisma().auditEvent.findFirstOrThrow({ where: { companyId, action: "subscription.upgrade" } })).correlationId).toBe(generated);
    expect(await outboxCorrelationIds(companyId)).toEqual([generated]);
  });

  it("of a job run (the subscription rollover) is one run id on every audit event and envelope it writes", async () => {
    const { companyId } = await organization("Rolled Co");
    const at = new Date(Date.now() + 60 * 86_400_000);
    await prisma().subscription.update({ where: { companyId }, data: { tier: "PRO", cancelAtPeriodEnd: true, currentPeriodEnd: new Date(at.getTime() - 86_400_000) } });
    await runSubscriptionRollover(server.deps.services, server.deps.config.billing.rollover, at);
    const audit = await prisma().auditEvent.findFirstOrThrow({ where: { companyId, action: "subscription.moved_to_free" } });
    expect(audit.correlationId).toMatch(/^subscription-rollover-[0-9a-f-]{36}$/);
    expect(await outboxCorrelationIds(companyId)).toEqual([audit.correlationId]);
  });
});
