import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { AuthProcessingEnvelopeSchema } from "../src/generated/proto/user_management/v1/envelope_pb.js";
import {
  UserRegistrationRequest_ProfileDetails_InvestmentProfile as InvestmentProfile,
  UserRegistrationRequest_ProfileDetails_RiskTolerance as RiskTolerance,
  UserRegistrationRequest_RegistrationType as RegistrationType,
  UserRegistrationRequestSchema,
  UserRegistrationResponse_VerificationStatus as VerificationStatus,
  UserRegistrationResponseSchema,
} from "../src/generated/proto/user_management/v1/registration_pb.js";
import { SubscriptionTier } from "../src/generated/proto/user_management/v1/subscription_pb.js";
import { JWTClaimsSchema } from "../src/generated/proto/user_management/v1/token_pb.js";
import { Role } from "../src/generated/proto/user_management/v1/user_context_pb.js";

type WireField = { field: number; wireType: WireType; value: bigint | Uint8Array };

/** Reads a message's top-level fields straight off the wire, without any schema. */
function wireFields(bytes: Uint8Array): WireField[] {
  const reader = new BinaryReader(bytes);
  const fields: WireField[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (wireType === WireType.Varint) fields.push({ field, wireType, value: BigInt(reader.uint64()) });
    else if (wireType === WireType.LengthDelimited) fields.push({ field, wireType, value: reader.bytes() });
    else throw new Error(`unexpected wire type ${wireType} on field ${field}`);
  }
  return fields;
}

const text = (value: bigint | Uint8Array) => new TextDecoder().decode(value as Uint8Array);

describe("UserRegistrationRequest on the wire", () => {
  const request = create(UserRegistrationRequestSchema, {
    email: "ada@example.com",
    password: "correct horse battery staple",
    fullName: "Ada Lovelace",
    registrationType: RegistrationType.ENTERPRISE,
    profileDetails: { investmentProfile: InvestmentProfile.AGGRESSIVE, riskTolerance: RiskTolerance.MEDIUM },
    invitationCode: "inv-123",
  });

  it("round-trips with profile details and the optional invitation code", () => {
    const decoded = fromBinary(UserRegistrationRequestSchema, toBinary(UserRegistrationRequestSchema, request));
    expect(decoded.email).toBe("ada@example.com");
    expect(decoded.fullName).toBe("Ada Lovelace");
    expect(decoded.registrationType).toBe(RegistrationType.ENTERPRISE);
    expect(decoded.profileDetails?.investmentProfile).toBe(InvestmentProfile.AGGRESSIVE);
    expect(decoded.profileDetails?.riskTolerance).toBe(RiskTolerance.MEDIUM);
    expect(decoded.invitationCode).toBe("inv-123");
    expect(decoded.idToken).toBeUndefined();
  });

  it("uses the seed's field numbers 1-4, profile_details as 5 and the seed's enum numbers", () => {
    const fields = wireFields(toBinary(UserRegistrationRequestSchema, request));
    expect(fields.map(({ field }) => field)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(text(fields[0]!.value)).toBe("ada@example.com");
    expect(text(fields[2]!.value)).toBe("Ada Lovelace");
    expect(fields[3]!.value).toBe(3n); // ENTERPRISE = 3
    const profile = wireFields(fields[4]!.value as Uint8Array);
    expect(profile.map(({ field, value }) => [field, value])).toEqual([
      [1, 2n], // investment_profile AGGRESSIVE = 2
      [2, 1n], // risk_tolerance MEDIUM = 1
    ]);
  });

  it("reads a request encoded by a client that only knows the seed's message", () => {
    const seedBytes = new BinaryWriter()
      .tag(1, WireType.LengthDelimited).string("grace@example.com")
      .tag(2, WireType.LengthDelimited).string("hunter2hunter2")
      .tag(3, WireType.LengthDelimited).string("Grace Hopper")
      .tag(4, WireType.Varint).int32(1)
      .finish();
    const decoded = fromBinary(UserRegistrationRequestSchema, seedBytes);
    expect(decoded.registrationType).toBe(RegistrationType.GOOGLE);
    expect(decoded.fullName).toBe("Grace Hopper");
    expect(decoded.profileDetails).toBeUndefined();
    expect(decoded.invitationCode).toBeUndefined();
  });

  it("keeps the seed's response fields and verification statuses", () => {
    const bytes = toBinary(
      UserRegistrationResponseSchema,
      create(UserRegistrationResponseSchema, {
        userId: "u1",
        accessToken: "a",
        refreshToken: "r",
        status: VerificationStatus.REQUIRES_ADDITIONAL_VERIFICATION,
      }),
    );
    expect(wireFields(bytes).map(({ field, value }) => [field, value instanceof Uint8Array ? text(value) : value])).toEqual([
      [1, "u1"],
      [2, "a"],
      [3, "r"],
      [4, 2n],
    ]);
  });
});

describe("JWTClaims on the wire", () => {
  const claims = create(JWTClaimsSchema, {
    userId: "user-1",
    companyId: "company-1",
    subscriptionTier: SubscriptionTier.PRO,
    role: Role.MANAGER,
    permissions: ["users.view", "reports.view"],
    issuedAt: 1_700_000_000n,
    expiresAt: 1_700_003_600n,
    correlationId: "corr-1",
    sessionId: "session-1",
  });

  it("round-trips every claim", () => {
    const decoded = fromBinary(JWTClaimsSchema, toBinary(JWTClaimsSchema, claims));
    expect(decoded).toMatchObject({
      userId: "user-1",
      companyId: "company-1",
      subscriptionTier: SubscriptionTier.PRO,
      role: Role.MANAGER,
      permissions: ["users.view", "reports.view"],
      issuedAt: 1_700_000_000n,
      expiresAt: 1_700_003_600n,
      correlationId: "corr-1",
      sessionId: "session-1",
    });
  });

  it("numbers fields in the order the seed assigns them, with session_id after", () => {
    const fields = wireFields(toBinary(JWTClaimsSchema, claims));
    expect(fields.map(({ field, value }) => [field, value instanceof Uint8Array ? text(value) : value])).toEqual([
      [1, "user-1"],
      [2, "company-1"],
      [3, 1n], // PRO = 1
      [4, 3n], // MANAGER = 3
      [5, "users.view"],
      [5, "reports.view"],
      [6, 1_700_000_000n],
      [7, 1_700_003_600n],
      [8, "corr-1"],
      [9, "session-1"],
    ]);
  });

  it("reads a missing role as ROLE_UNSPECIFIED, never as a real role", () => {
    const decoded = fromBinary(JWTClaimsSchema, toBinary(JWTClaimsSchema, create(JWTClaimsSchema, { userId: "u" })));
    expect(decoded.role).toBe(Role.ROLE_UNSPECIFIED);
    expect(decoded.subscriptionTier).toBe(SubscriptionTier.FREE);
  });
});

describe("AuthProcessingEnvelope", () => {
  it("has exactly the seed's ten fields with their numbers", () => {
    expect(AuthProcessingEnvelopeSchema.fields.map((field) => [field.number, field.name])).toEqual([
      [1, "message_type"],
      [2, "user_id"],
      [3, "company_id"],
      [4, "payload"],
      [5, "timestamp"],
      [6, "service_source"],
      [7, "correlation_id"],
      [8, "trace_context"],
      [9, "auth_context"],
      [10, "client_ip"],
    ]);
  });
});
