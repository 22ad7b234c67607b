import type { Prisma } from "../../generated/prisma/client.js";
import type { OneTimeTokenPurpose } from "../../generated/prisma/enums.js";
import { randomToken, sha256Hex } from "../../platform/crypto.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";

type Db = Pick<Prisma.TransactionClient, "oneTimeToken">;

/**
 * Issues a 256-bit single-use token for `purpose`, storing only its SHA-256; the user's earlier unused
 * tokens of that purpose stop working. Returns the token, to be mailed and never stored.
 */
export async function issueOneTimeToken(
  db: Db,
  input: {
    userId: string;
    purpose: OneTimeTokenPurpose;
    ttlSeconds: number;
    at: Date;
    /** Stored beside the hash; a function receives the token (to bind a value to it without storing it). */
    payload?: Prisma.InputJsonValue | ((token: string) => Prisma.InputJsonValue);
  },
): Promise<string> {
  const token = randomToken(32);
  await db.oneTimeToken.updateMany({ where: { userId: input.userId, purpose: input.purpose, usedAt: null }, data: { usedAt: input.at } });
  await db.oneTimeToken.create({
    data: {
      userId: input.userId,
      purpose: input.purpose,
      tokenHash: sha256Hex(token),
      payload: typeof input.payload === "function" ? input.payload(token) : input.payload,
      expiresAt: new Date(input.at.getTime() + input.ttlSeconds * 1000),
      createdAt: input.at,
    },
    select: { id: true },
  });
  return token;
}

/**
 * Uses up a token of `purpose` inside the caller's transaction and returns whose it was; of two concurrent
 * uses exactly one succeeds. Unknown, expired and used tokens answer alike (INVALID_TOKEN).
 */
export async function consumeOneTimeToken(
  db: Db,
  purpose: OneTimeTokenPurpose,
  token: string,
  at: Date,
): Promise<{ userId: string; payload: Prisma.JsonValue | null }> {
  const invalid = new DomainError(ErrorCode.INVALID_TOKEN, "This link is invalid or has expired; ask for a new one", ["token"]);
  if (!token || token.length > 128) throw invalid;
  const tokenHash = sha256Hex(token);
  const used = await db.oneTimeToken.updateManyAndReturn({
    where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: at } },
    data: { usedAt: at },
    select: { userId: true, payload: true },
  });
  const claimed = used[0];
  if (!claimed) throw invalid;
  return claimed;
}
