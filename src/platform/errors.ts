import { GraphQLError } from "graphql";

/**
 * Every error code the service answers with, each with what raises it. Payload `userErrors` and
 * GraphQL `extensions.code` both take their codes from here.
 */
export const ErrorCode = {
  /** No valid access token where one is required. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** Authenticated, but the principal may not do or see this. */
  FORBIDDEN: "FORBIDDEN",
  /** Input failed validation (GraphQL validation or the service's own rules). */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** Anything unexpected; the client sees only the correlation id. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /** The database could not be reached or did not answer in time (an outage, not the request's fault); the client sees only the correlation id and may retry (`Retry-After`). */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** The object asked for does not exist or is not visible to the caller. */
  NOT_FOUND: "NOT_FOUND",
  /** Registration or email change to an address another account uses. */
  EMAIL_TAKEN: "EMAIL_TAKEN",
  /** An email address that is not one (REST bodies; GraphQL's EmailAddress scalar refuses it earlier). */
  INVALID_EMAIL: "INVALID_EMAIL",
  /** Login with an unknown email or a wrong password (never says which). */
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  /** Too many attempts of one kind (sign-in, registration, reset, verification, MFA, refresh) from one IP or for one account. */
  RATE_LIMITED: "RATE_LIMITED",
  /** The account needs its second factor to finish this sign-in; over REST, sign in through GraphQL `login` and `verifyMfa`. */
  MFA_REQUIRED: "MFA_REQUIRED",
  /** A REST body over the configured limit (REST_BODY_LIMIT_BYTES). */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** A REST body in a format other than application/x-protobuf or application/json. */
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  /** Password shorter than 12 characters. */
  PASSWORD_TOO_SHORT: "PASSWORD_TOO_SHORT",
  /** Password longer than 128 characters. */
  PASSWORD_TOO_LONG: "PASSWORD_TOO_LONG",
  /** Password equal to the account's email. */
  PASSWORD_SAME_AS_EMAIL: "PASSWORD_SAME_AS_EMAIL",
  /** Sign-in with a correct password to a suspended account. */
  ACCOUNT_SUSPENDED: "ACCOUNT_SUSPENDED",
  /** Sign-in with a correct password to a temporarily locked account. */
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  /** A registration type this deployment does not accept (yet), e.g. an SSO provider without configuration. */
  UNSUPPORTED_REGISTRATION_TYPE: "UNSUPPORTED_REGISTRATION_TYPE",
  /** An invitation code that is unknown, expired, revoked or already used. */
  INVALID_INVITATION: "INVALID_INVITATION",
  /** A refresh token that is unknown, expired, reused or whose session ended. */
  INVALID_REFRESH_TOKEN: "INVALID_REFRESH_TOKEN",
  /** A batch naming more ids than it may (verifyUsers: 1,000). */
  TOO_MANY_IDS: "TOO_MANY_IDS",
  /** A field value longer than its limit. */
  TOO_LONG: "TOO_LONG",
  /** A required value is missing or blank. */
  REQUIRED: "REQUIRED",
  /** A number outside its allowed range (e.g. a company setting). */
  OUT_OF_RANGE: "OUT_OF_RANGE",
  /** Granting, changing or removing a role at or above the caller's own. */
  ROLE_NOT_BELOW_YOURS: "ROLE_NOT_BELOW_YOURS",
  /** Removing, demoting or letting the OWNER leave before ownership has moved (transferOwnership). */
  OWNERSHIP_TRANSFER_REQUIRED: "OWNERSHIP_TRANSFER_REQUIRED",
  /** deleteMyAccount by the OWNER of an organization that still has other active members: transferOwnership first. */
  SOLE_OWNER_WITH_MEMBERS: "SOLE_OWNER_WITH_MEMBERS",
  /** A member acting on their own membership where another operation is meant (leaveCompany, transferOwnership). */
  CANNOT_TARGET_SELF: "CANNOT_TARGET_SELF",
  /** Inviting or adding someone who already is an active member of the company. */
  ALREADY_MEMBER: "ALREADY_MEMBER",
  /** The user is not a member (or not a pending member) of the company. */
  NOT_A_MEMBER: "NOT_A_MEMBER",
  /** An invitation past its 7-day expiry. */
  INVITATION_EXPIRED: "INVITATION_EXPIRED",
  /** An invitation the company revoked (or replaced by a newer one). */
  INVITATION_REVOKED: "INVITATION_REVOKED",
  /** An invitation already accepted. */
  INVITATION_USED: "INVITATION_USED",
  /** An invitation accepted by an account whose email is not the invited one. */
  INVITATION_EMAIL_MISMATCH: "INVITATION_EMAIL_MISMATCH",
  /** Members, invitations and domains belong to organizations, not to a person's individual workspace. */
  INDIVIDUAL_COMPANY: "INDIVIDUAL_COMPANY",
  /** Not a valid domain name. */
  INVALID_DOMAIN: "INVALID_DOMAIN",
  /** A public mail provider's domain (gmail.com, …), which no company may claim. */
  PUBLIC_MAIL_DOMAIN: "PUBLIC_MAIL_DOMAIN",
  /** A domain another company has already verified. */
  DOMAIN_ALREADY_CLAIMED: "DOMAIN_ALREADY_CLAIMED",
  /** The domain's TXT record does not hold this company's verification token (yet). */
  DOMAIN_VERIFICATION_FAILED: "DOMAIN_VERIFICATION_FAILED",
  /** The DNS servers could not be asked; try again later. */
  DNS_UNAVAILABLE: "DNS_UNAVAILABLE",
  /** An email verification, password reset or email change token that is unknown, expired or already used. */
  INVALID_TOKEN: "INVALID_TOKEN",
  /** The account's current password was not given correctly (changePassword, requestEmailChange). */
  WRONG_PASSWORD: "WRONG_PASSWORD",
  /** A TOTP code that is wrong, outside ±1 step or already used, or a recovery code that is unknown or used. */
  INVALID_MFA_CODE: "INVALID_MFA_CODE",
  /** A sign-in challenge id that is unknown, expired, answered or used up by wrong codes: sign in again. */
  INVALID_MFA_CHALLENGE: "INVALID_MFA_CHALLENGE",
  /** enrollTotp or confirmTotp while MFA is already on. */
  MFA_ALREADY_ENABLED: "MFA_ALREADY_ENABLED",
  /** confirmTotp without enrollTotp first, or disableMfa / regenerateRecoveryCodes while MFA is off. */
  MFA_NOT_ENROLLED: "MFA_NOT_ENROLLED",
  /** A sensitive change (disableMfa, regenerateRecoveryCodes, requestEmailChange) without a sign-in or reauthenticate in the last 5 minutes. */
  STEP_UP_REQUIRED: "STEP_UP_REQUIRED",
  /** The company requires MFA and this session has not proven a second factor: enrol (enrollTotp, confirmTotp) or sign in with it, then refresh the token. */
  MFA_ENROLMENT_REQUIRED: "MFA_ENROLMENT_REQUIRED",
  /** An OIDC ID token that is malformed, not signed by the provider's keys, or issued by or for someone else. */
  INVALID_ID_TOKEN: "INVALID_ID_TOKEN",
  /** An OIDC ID token past its expiry: sign in with the provider again. */
  ID_TOKEN_EXPIRED: "ID_TOKEN_EXPIRED",
  /** An OIDC ID token whose nonce is not the one the client's sign-in started with (a replayed token). */
  ID_TOKEN_NONCE_MISMATCH: "ID_TOKEN_NONCE_MISMATCH",
  /** An OIDC ID token without an email the provider has verified. */
  EMAIL_NOT_VERIFIED: "EMAIL_NOT_VERIFIED",
  /** Registration whose `email` is not the one in the ID token. */
  ID_TOKEN_EMAIL_MISMATCH: "ID_TOKEN_EMAIL_MISMATCH",
  /** An ENTERPRISE ID token whose issuer and client id no company has configured. */
  SSO_PROVIDER_NOT_CONFIGURED: "SSO_PROVIDER_NOT_CONFIGURED",
  /** The identity provider's keys could not be fetched in time; try again. */
  SSO_PROVIDER_UNAVAILABLE: "SSO_PROVIDER_UNAVAILABLE",
  /** Another company already uses this identity provider (issuer and client id). */
  SSO_PROVIDER_TAKEN: "SSO_PROVIDER_TAKEN",
  /** An identity provider URL that is not https (http only to loopback outside production). */
  INVALID_PROVIDER_URL: "INVALID_PROVIDER_URL",
  /** An ENTERPRISE identity for an email outside the company's verified domains. */
  SSO_DOMAIN_NOT_ALLOWED: "SSO_DOMAIN_NOT_ALLOWED",
  /** SSO for an email that has an account: give its password (then its second factor) to link the two. */
  ACCOUNT_LINK_REQUIRED: "ACCOUNT_LINK_REQUIRED",
  /** changeSubscription UPGRADE or DOWNGRADE without a targetTier. */
  TARGET_TIER_REQUIRED: "TARGET_TIER_REQUIRED",
  /** An UPGRADE to the current or a lower tier, with no billing cycle switch either. */
  UPGRADE_NOT_HIGHER: "UPGRADE_NOT_HIGHER",
  /** A DOWNGRADE to the current or a higher tier (FREE has nothing lower). */
  DOWNGRADE_NOT_LOWER: "DOWNGRADE_NOT_LOWER",
  /** A CANCEL of a FREE subscription or of one already cancelling at its period's end. */
  NOTHING_TO_CANCEL: "NOTHING_TO_CANCEL",
  /** A REACTIVATE of an active subscription with no pending cancellation or downgrade. */
  NOTHING_TO_REACTIVATE: "NOTHING_TO_REACTIVATE",
  /** A DOWNGRADE to a tier with fewer seats than the company's active members: the message says how many to remove. */
  SEATS_EXCEED_TIER: "SEATS_EXCEED_TIER",
  /** Every seat of the company's plan is taken (active members, plus pending invitations when inviting). */
  SEAT_LIMIT_REACHED: "SEAT_LIMIT_REACHED",
  /** An UPGRADE, DOWNGRADE or CANCEL of an EXPIRED or CANCELED subscription: REACTIVATE restarts it. */
  SUBSCRIPTION_ENDED: "SUBSCRIPTION_ENDED",
  /** Another change of this subscription is being charged right now; try again in a moment. */
  SUBSCRIPTION_CHANGE_IN_PROGRESS: "SUBSCRIPTION_CHANGE_IN_PROGRESS",
  /** The field needs a feature the company's subscription tier does not include. */
  FEATURE_NOT_IN_PLAN: "FEATURE_NOT_IN_PLAN",
  /** The payment provider declined the charge (its reason is in the message): nothing changed and no money moved. */
  PAYMENT_FAILED: "PAYMENT_FAILED",
  /** The payment provider could not be reached or kept failing: nothing changed and nothing is known to be charged; try again later. */
  PAYMENT_UNAVAILABLE: "PAYMENT_UNAVAILABLE",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected outcome the caller can act on; services return or throw it, resolvers map it. */
export class DomainError extends Error {
  /** Set on RATE_LIMITED: when the next attempt is accepted. */
  retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string[],
  ) {
    super(message);
    this.name = "DomainError";
  }

  /** graphql-js copies these onto the GraphQLError around it, so the code travels where only that error does (ftv1 traces). */
  get extensions(): { code: ErrorCode } {
    return { code: this.code };
  }
}

/** A wiring mistake (a rule or resolver set up wrongly); fails loudly instead of letting a request through. */
export class BugError extends Error {
  constructor(code: `BUG_${string}`, message: string) {
    super(`${code}: ${message}`);
    this.name = "BugError";
  }
}

export interface UserErrorShape {
  field?: string[];
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

/** Several expected problems found at once (e.g. every invalid field of a form). */
export class DomainErrors extends Error {
  constructor(readonly errors: DomainError[]) {
    super(errors.map((error) => error.message).join("; "));
    this.name = "DomainErrors";
  }
}

export function toUserError(error: DomainError): UserErrorShape {
  const shape: UserErrorShape = { field: error.field, code: error.code, message: error.message };
  if (error.retryAfterSeconds !== undefined) shape.retryAfterSeconds = error.retryAfterSeconds;
  return shape;
}

/** The payload `userErrors` for an expected failure; anything else is rethrown as unexpected. */
export function userErrorsFrom(error: unknown): UserErrorShape[] {
  if (error instanceof DomainError) return [toUserError(error)];
  if (error instanceof DomainErrors) return error.errors.map(toUserError);
  throw error;
}

/** What a client is told, whatever the outage: it is stable, so clients and dashboards may match on it. */
export const serviceUnavailableMessage = "The service is temporarily unavailable; try again";

/** Seconds a client is asked to wait before retrying a request refused as SERVICE_UNAVAILABLE. */
export const serviceUnavailableRetryAfterSeconds = 2;

export function unauthenticated(message = "Authentication required"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** A whole request refused for its credentials (a bad or expired bearer token): HTTP 401. */
export function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

export function mfaEnrolmentRequired(): GraphQLError {
  return new GraphQLError("This company requires two-step sign-in: turn it on with enrollTotp and confirmTotp (or sign in with your authenticator), then refresh your token", {
    extensions: { code: ErrorCode.MFA_ENROLMENT_REQUIRED },
  });
}

export function featureNotInPlan(feature: string): GraphQLError {
  return new GraphQLError(`This needs the ${feature} feature, which the company's subscription does not include`, {
    extensions: { code: ErrorCode.FEATURE_NOT_IN_PLAN, feature },
  });
}

export function forbidden(message = "Not allowed"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}
