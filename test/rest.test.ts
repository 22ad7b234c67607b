import path from "node:path";
import { fileURLToPath } from "node:url";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  UserRegistrationRequest_ProfileDetails_InvestmentProfile as InvestmentProfile,
  UserRegistrationRequest_ProfileDetails_RiskTolerance as RiskTolerance,
  UserRegistrationRequestSchema,
} from "../src/generated/proto/user_management/v1/registration_pb.js";
import { UserProfileSchema } from "../src/generated/proto/user_management/v1/user_context_pb.js";
import { MeDocument } from "./generated/graphql.js";
import { strongPassword, uniqueEmail } from "./support/accounts.js";
import { startTestServer, type TestServer } from "./support/server.js";

const protoRoot = fileURLToPath(new URL("../proto", import.meta.url));
let server: TestServer;
/** The protos loaded by protobufjs, a library that is not ours: what any other client would decode with. */
let foreign: protobuf.Root;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_REGISTER_PER_ACCOUNT: "3/3600" });
  foreign = new protobuf.Root();
  foreign.resolvePath = (_origin, target) => path.join(protoRoot, target);
  await foreign.load(["user_management/v1/registration.proto", "user_management/v1/user_context.proto", "user_management/v1/errors.proto"]);
});

afterAll(async () => {
  await server?.close();
});

const protobufType = "application/x-protobuf";

function post(body: Uint8Array | string, contentType: string | undefined, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/user/register`, {
    method: "POST",
    headers: { ...(contentType ? { "content-type": contentType } : {}), ...headers },
    body: typeof body === "string" ? body : Buffer.from(body),
  });
}

const registrationBytes = (email: string, overrides: Record<string, unknown> = {}) =>
  toBinary(
    UserRegistrationRequestSchema,
    create(UserRegistrationRequestSchema, {
      email,
      password: strongPassword,
      fullName: "Ada Lovelace",
      profileDetails: { investmentProfile: InvestmentProfile.AGGRESSIVE, riskTolerance: RiskTolerance.MEDIUM },
      ...overrides,
    }),
  );

const decodeForeign = async (typeName: string, response: Response) =>
  foreign.lookupType(`user_management.v1.${typeName}`).toObject(foreign.lookupType(`user_management.v1.${typeName}`).decode(new Uint8Array(await response.arrayBuffer())), { enums: String, longs: String, defaults: true }) as Record<string, unknown>;

type ErrorBody = { errors: { code: string; field?: string[] }[] };

const userCount = () => server.deps.database.prisma.user.count();

describe("POST /user/register", () => {
  it("registers from protobuf bytes and answers UserRegistrationResponse bytes any protobuf library decodes", async () => {
    const email = uniqueEmail("rest");
    const response = await post(registrationBytes(email), protobufType);
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toContain(protobufType);
    const answer = await decodeForeign("UserRegistrationResponse", response);
    expect(answer).toMatchObject({ status: "PENDING", expiresIn: 3600 });
    expect(answer.userId).toMatch(/^[0-9a-f-]{36}$/);

    const me = await server.graphql(MeDocument, {}, { token: answer.accessToken as string });
    expect(me.data!.me).toMatchObject({ id: answer.userId, email });
    const stored = await server.deps.database.prisma.user.findUniqueOrThrow({ where: { email }, select: { investmentProfile: true, riskTolerance: true } });
    expect(stored).toEqual({ investmentProfile: "AGGRESSIVE", riskTolerance: "MEDIUM" });
    const audit = await server.deps.database.prisma.auditEvent.findFirst({ where: { action: "user.registered", actorId: answer.userId as string } });
    expect(audit).toBeTruthy();
  });

  it("takes the protobuf JSON mapping and answers in the format Accept asks for", async () => {
    const json = JSON.stringify({ email: uniqueEmail("rest-json"), password: strongPassword, fullName: "Grace Hopper", registrationType: "EMAIL", profileDetails: { riskTolerance: "HIGH" } });
    const asJson = await post(json, "application/json");
    expect(asJson.status).toBe(201);
    expect(asJson.headers.get("content-type")).toContain("application/json");
    expect(await asJson.json()).toMatchObject({ status: "PENDING", accessToken: expect.any(String), companyId: expect.any(String) });

    const asBytes = await post(JSON.stringify({ ...JSON.parse(json), email: uniqueEmail("rest-accept") }), "application/json", { accept: protobufType });
    expect(asBytes.headers.get("content-type")).toContain(protobufType);
    expect(await decodeForeign("UserRegistrationResponse", asBytes)).toMatchObject({ status: "PENDING" });
  });

  it("answers the same codes as GraphQL, with the right HTTP status, and writes nothing", async () => {
    const email = uniqueEmail("rest-taken");
    expect((await post(registrationBytes(email), protobufType)).status).toBe(201);
    const before = await userCount();

    const taken = await post(registrationBytes(email), protobufType);
    expect(taken.status).toBe(409);
    expect(await decodeForeign("ErrorResponse", taken)).toMatchObject({ errors: [{ code: "EMAIL_TAKEN", field: ["email"] }] });

    const weak = await post(JSON.stringify({ email: uniqueEmail("rest-weak"), password: "short", fullName: "Weak Password" }), "application/json");
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as ErrorBody).errors).toEqual([expect.objectContaining({ code: "PASSWORD_TOO_SHORT", field: ["password"] })]);
    const notEmail = await post(JSON.stringify({ email: "u-1", password: strongPassword, fullName: "No Address" }), "application/json");
    expect(notEmail.status).toBe(400);
    expect(((await notEmail.json()) as ErrorBody).errors).toEqual([expect.objectContaining({ code: "INVALID_EMAIL", field: ["email"] })]);
    expect(await userCount()).toBe(before);
  });

  it("refuses malformed bodies with a clear 4xx and writes nothing", async () => {
    const before = await userCount();
    const valid = registrationBytes(uniqueEmail("rest-bad"));
    const unknownEnum = new BinaryWriter().tag(1, 2).string(uniqueEmail("rest-enum")).tag(2, 2).string(strongPassword).tag(3, 2).string("Enum Person").tag(4, 0).int32(9).finish();
    const otherMessage = toBinary(UserProfileSchema, create(UserProfileSchema, { userId: "u-1", email: "x@example.com", role: 2, createdAt: 5n }));
    const cases: [string, Promise<Response>, number, string][] = [
      ["truncated protobuf", post(valid.slice(0, valid.length - 5), protobufType), 400, "BAD_USER_INPUT"],
      ["an unknown enum number", post(unknownEnum, protobufType), 400, "BAD_USER_INPUT"],
      ["another message type", post(otherMessage, protobufType), 400, "BAD_USER_INPUT"],
      ["over 64 KB", post(registrationBytes(uniqueEmail("rest-big"), { fullName: "x".repeat(70_000) }), protobufType), 413, "PAYLOAD_TOO_LARGE"],
      ["JSON with an unknown field", post(JSON.stringify({ email: uniqueEmail("rest-u"), password: strongPassword, fullName: "U", admin: true }), "application/json"), 400, "BAD_USER_INPUT"],
      ["JSON with a wrong type", post(JSON.stringify({ email: 5, password: strongPassword, fullName: "T" }), "application/json"), 400, "BAD_USER_INPUT"],
      ["JSON that does not parse", post("{not json", "application/json"), 400, "BAD_USER_INPUT"],
      ["a wrong content type", post("email=a@example.com", "application/x-www-form-urlencoded"), 415, "UNSUPPORTED_MEDIA_TYPE"],
      ["no content type", post(valid, undefined), 415, "UNSUPPORTED_MEDIA_TYPE"],
    ];
    for (const [what, pending, status, code] of cases) {
      const response = await pending;
      expect(response.status, what).toBe(status);
      const body = (response.headers.get("content-type")?.includes(protobufType) ? await decodeForeign("ErrorResponse", response) : await response.json()) as ErrorBody;
      expect(body.errors, what).toEqual([expect.objectContaining({ code })]);
    }
    expect(await userCount()).toBe(before);
  });

  it("is throttled like the GraphQL mutation: RATE_LIMITED, HTTP 429 and Retry-After", async () => {
    const email = uniqueEmail("rest-limit");
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await post(registrationBytes(email), protobufType)).status);
    expect(statuses.slice(0, 3)).toEqual([201, 409, 409]);
    const limited = await post(registrationBytes(email), protobufType);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await decodeForeign("ErrorResponse", limited)).toMatchObject({ errors: [{ code: "RATE_LIMITED" }] });
  });
});

describe("GET /user/profile", () => {
  it("answers the signed-in user's UserProfile with their profile details, as JSON or protobuf", async () => {
    const email = uniqueEmail("rest-profile");
    const registered = await decodeForeign("UserRegistrationResponse", await post(registrationBytes(email), protobufType));
    const headers = { authorization: `Bearer ${registered.accessToken as string}` };

    const asJson = await fetch(`${server.url}/user/profile`, { headers });
    expect(asJson.status).toBe(200);
    expect(await asJson.json()).toMatchObject({
      userId: registered.userId,
      email,
      fullName: "Ada Lovelace",
      role: "OWNER",
      status: "ACTIVE",
      emailVerified: false,
      mfaEnabled: false,
      verificationStatus: "PENDING",
      profileDetails: { investmentProfile: "AGGRESSIVE", riskTolerance: "MEDIUM" },
    });

    const asBytes = await fetch(`${server.url}/user/profile`, { headers: { ...headers, accept: protobufType } });
    expect(asBytes.headers.get("content-type")).toContain(protobufType);
    expect(await decodeForeign("UserProfile", asBytes)).toMatchObject({ userId: registered.userId, role: "OWNER", permissions: expect.arrayContaining(["billing.manage"]) });
  });

  it("is 401 without a valid bearer token", async () => {
    for (const headers of [{}, { authorization: "Bearer not-a-token" }, { authorization: "Basic abc" }] as Record<string, string>[]) {
      const response = await fetch(`${server.url}/user/profile`, { headers });
      expect(response.status).toBe(401);
      expect(((await response.json()) as ErrorBody).errors[0]!.code).toBe("UNAUTHENTICATED");
    }
  });
});
