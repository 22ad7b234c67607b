import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { type JWTClaims, JWTClaimsSchema } from "../../generated/proto/user_management/v1/token_pb.js";
import { AccessTokenError } from "./access-token-error.js";

export type PbClaimsInit = MessageInitShape<typeof JWTClaimsSchema>;

/** `pb_claims`: standard base64 (with padding) of the serialized user_management.v1.JWTClaims. */
export function encodePbClaims(init: PbClaimsInit): string {
  return Buffer.from(toBinary(JWTClaimsSchema, create(JWTClaimsSchema, init))).toString("base64");
}

/** Decodes `pb_claims`, refusing anything but canonical base64 of a parseable JWTClaims. */
export function decodePbClaims(value: unknown): JWTClaims {
  if (typeof value !== "string" || value.length === 0) throw new AccessTokenError("invalid_claims");
  const bytes = Buffer.from(value, "base64");
  if (bytes.toString("base64") !== value) throw new AccessTokenError("invalid_claims");
  try {
    return fromBinary(JWTClaimsSchema, bytes);
  } catch {
    throw new AccessTokenError("invalid_claims");
  }
}
