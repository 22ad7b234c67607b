import { fromBinary, fromJson, toBinary, toJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { DomainError, ErrorCode } from "../../platform/errors.js";

/** The two wire formats of the REST API: protobuf binary, or the protobuf JSON mapping. */
export type WireFormat = "protobuf" | "json";

export const contentTypes: Record<WireFormat, string> = { protobuf: "application/x-protobuf", json: "application/json" };
const protobufTypes = new Set(["application/x-protobuf", "application/protobuf", "application/vnd.google.protobuf"]);

/** The format of a request body by its Content-Type; undefined for anything else (415). */
export function formatOfContentType(contentType: string | undefined): WireFormat | undefined {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (!mediaType) return undefined;
  if (protobufTypes.has(mediaType)) return "protobuf";
  if (mediaType === "application/json") return "json";
  return undefined;
}

/** The answer's format: what `Accept` asks for, else the request's own format, else JSON. */
export function responseFormat(accept: string | undefined, requestFormat: WireFormat | undefined): WireFormat {
  const wanted = (accept ?? "").toLowerCase().split(",").map((part) => part.split(";")[0]!.trim());
  if (wanted.some((type) => protobufTypes.has(type))) return "protobuf";
  if (wanted.includes("application/json")) return "json";
  return requestFormat ?? "json";
}

const badBody = (message: string) => new DomainError(ErrorCode.BAD_USER_INPUT, message);

/**
 * Decodes a body strictly: truncated bytes, fields or wire types the message does not have (another
 * message type), enum numbers it does not define, unknown JSON fields and wrong JSON types are refused.
 */
export function decodeBody<Desc extends DescMessage>(schema: Desc, format: WireFormat, body: unknown): MessageShape<Desc> {
  let message: MessageShape<Desc>;
  try {
    message =
      format === "protobuf"
        ? fromBinary(schema, body as Uint8Array)
        : fromJson(schema, body as JsonValue, { ignoreUnknownFields: false });
  } catch (error) {
    throw badBody(`The body is not a valid ${schema.name}: ${(error as Error).message}`);
  }
  const problem = strictnessProblem(schema, message as Record<string, unknown>);
  if (problem) throw badBody(`The body is not a valid ${schema.name}: ${problem}`);
  return message;
}

/** Unknown fields (kept by the binary reader) and undefined enum numbers, searched through nested messages. */
function strictnessProblem(schema: DescMessage, message: Record<string, unknown>): string | undefined {
  if (Array.isArray(message.$unknown) && message.$unknown.length > 0) return `it has fields ${schema.name} does not define`;
  for (const field of schema.fields) {
    const value = message[field.localName];
    if (field.fieldKind === "enum" && typeof value === "number" && !field.enum.values.some((known) => known.number === value)) {
      return `${field.name} has no value ${value}`;
    }
    if (field.fieldKind === "message" && value && typeof value === "object") {
      const nested = strictnessProblem(field.message, value as Record<string, unknown>);
      if (nested) return nested;
    }
    if (field.fieldKind === "scalar" && field.scalar === ScalarType.STRING && typeof value === "string" && value.includes("\u0000")) {
      return `${field.name} contains a NUL character`;
    }
  }
  return undefined;
}

/** Encodes an answer in the negotiated format. */
export function encodeBody<Desc extends DescMessage>(schema: Desc, format: WireFormat, message: MessageShape<Desc>): Buffer | string {
  if (format === "protobuf") return Buffer.from(toBinary(schema, message));
  return JSON.stringify(toJson(schema, message, { alwaysEmitImplicit: true }));
}
