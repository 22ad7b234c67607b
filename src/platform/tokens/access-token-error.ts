/** Why an access token was refused; stable strings callers may branch on or count in metrics. */
export type AccessTokenRejection =
  | "malformed"
  | "algorithm"
  | "unknown_kid"
  | "signature"
  | "issuer"
  | "audience"
  | "expired"
  | "not_yet_valid"
  | "invalid_claims"
  | "claims_mismatch";

const messages: Record<AccessTokenRejection, string> = {
  malformed: "Access token is not a well-formed JWT",
  algorithm: "Access token uses an algorithm that is not accepted",
  unknown_kid: "Access token was signed by an unknown or retired key",
  signature: "Access token signature is invalid",
  issuer: "Access token was issued by someone else",
  audience: "Access token is meant for another audience",
  expired: "Access token has expired",
  not_yet_valid: "Access token is not valid yet",
  invalid_claims: "Access token claims are missing or invalid",
  claims_mismatch: "Access token claims disagree with each other",
};

export const accessTokenRejections = Object.keys(messages) as AccessTokenRejection[];

/** The one error verification throws. The message is fixed per reason and never contains the token. */
export class AccessTokenError extends Error {
  constructor(readonly reason: AccessTokenRejection) {
    super(messages[reason]);
    this.name = "AccessTokenError";
  }
}
