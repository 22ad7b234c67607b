import { DomainError, ErrorCode } from "./errors.js";
import { isUuid } from "./ids.js";

/** An opaque page cursor for rows ordered by (createdAt, id). */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString("base64url");
}

/** The position a cursor names; BAD_USER_INPUT for anything this service did not hand out. */
export function decodeCursor(cursor: string, field = ["after"]): { at: Date; id: string } {
  const [iso, id] = cursor.length <= 200 ? Buffer.from(cursor, "base64url").toString("utf8").split("|") : [];
  const at = iso ? new Date(iso) : new Date(Number.NaN);
  if (!id || !isUuid(id) || Number.isNaN(at.getTime())) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, "The cursor is not one this API returned", field);
  }
  return { at, id };
}
