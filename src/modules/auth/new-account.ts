import { randomUUID } from "node:crypto";
import type { Prisma } from "../../generated/prisma/client.js";
import type { InvestmentProfile, RegistrationType, RiskTolerance } from "../../generated/prisma/enums.js";
import { isUniqueViolation } from "../../platform/db/unique-violation.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import type { CompaniesDeps } from "../companies/companies.deps.js";
import { createCompanyWithOwner } from "../companies/companies.service.js";
import { findCompanyByVerifiedDomain } from "../companies/domains.service.js";
import { domainOfEmail } from "../companies/domains.js";
import { claimInvitation, grantMembership } from "../companies/invitations.service.js";
import { membershipChanged } from "../companies/memberships.service.js";
import { recordAudit, type ClientInfo } from "../security/audit.service.js";
import { userSelect, type UserRecord } from "../users/users.service.js";
import { issueTokens, openSession, type SessionsDeps } from "./sessions.service.js";
import type { SignedIn } from "./sign-in.js";

/** How registration placed the new user (the seed's determine_company_assignment). */
export const CompanyAssignment = {
  INVITATION: "INVITATION",
  DOMAIN_MATCH: "DOMAIN_MATCH",
  ENTERPRISE_SSO: "ENTERPRISE_SSO",
  INDIVIDUAL: "INDIVIDUAL",
} as const;
export type CompanyAssignment = keyof typeof CompanyAssignment;

/** An external identity (an OIDC provider's subject) to link to the new user. */
export interface IdentityRef {
  provider: Exclude<RegistrationType, "EMAIL">;
  issuer: string;
  subject: string;
  email: string;
}

export interface NewAccount {
  /** Normalised. */
  email: string;
  /** Null for an account that signs in only through SSO. */
  passwordHash: string | null;
  fullName: string;
  registrationType: RegistrationType;
  /** Set when the email was verified at registration (by the identity provider). */
  emailVerifiedAt: Date | null;
  investmentProfile?: InvestmentProfile | null;
  riskTolerance?: RiskTolerance | null;
  invitationCode?: string | null;
  identity?: IdentityRef | null;
  /** ENTERPRISE: the company whose own identity provider vouched for this user; joined as an active MEMBER. */
  enterpriseCompanyId?: string | null;
}

export interface Registered extends SignedIn {
  status: UserRecord["verificationStatus"];
  assignment: CompanyAssignment;
  /** For a domain match, the company awaiting approval; `companyId` is the one the first session acts in. */
  pendingCompanyId: string | null;
}

/**
 * What `register` did: created an account, signed in the account an SSO identity is linked to, or (that
 * account has MFA) opened a challenge for `verifyMfa` instead of issuing tokens.
 */
export type RegisterOutcome =
  | ({ kind: "registered" } & Registered)
  | ({ kind: "signed_in" } & SignedIn)
  | { kind: "mfa_required"; mfaChallengeId: string };

/** Invitation problems found at registration point at the input's invitationCode. */
function onInvitationField(error: unknown): never {
  if (error instanceof DomainError) throw new DomainError(error.code, error.message, ["input", "invitationCode"]);
  throw error;
}

/**
 * Creates the user, their individual company (as OWNER) with a FREE subscription, the linked identity, the
 * first session, and the company assignment, in one transaction. A valid invitation code joins the inviting
 * company with the invited role (the session starts there); an enterprise identity joins its company; otherwise
 * an email of a domain a company verified asks to join it (pending an ADMIN's approval).
 */
export async function createAccount(deps: SessionsDeps & CompaniesDeps, account: NewAccount, client: ClientInfo): Promise<Registered> {
  const now = new Date();
  try {
    const userId = randomUUID();
    const individualId = randomUUID();
    const registered = await deps.prisma.$transaction(async (tx) => {
      const invited = account.invitationCode ? await claimInvitation(tx, account.invitationCode, account.email, userId, now).catch(onInvitationField) : null;
      const enterpriseId = account.enterpriseCompanyId && account.enterpriseCompanyId !== invited?.companyId ? account.enterpriseCompanyId : null;
      const activeCompanyId = invited?.companyId ?? enterpriseId ?? individualId;
      const user = await tx.user.create({
        data: {
          id: userId,
          email: account.email,
          passwordHash: account.passwordHash,
          fullName: account.fullName,
          registrationType: account.registrationType,
          emailVerifiedAt: account.emailVerifiedAt,
          ...(account.emailVerifiedAt ? { verificationStatus: "VERIFIED" as const } : {}),
          investmentProfile: account.investmentProfile ?? null,
          riskTolerance: account.riskTolerance ?? null,
          lastActiveCompanyId: activeCompanyId,
          lastLoginAt: now,
        },
        select: userSelect,
      });
      await createCompanyWithOwner(tx, { id: individualId, name: account.fullName, type: "INDIVIDUAL", ownerId: userId, at: now });
      if (account.identity) await linkIdentity(tx, userId, account.identity, client);
      let pendingCompanyId: string | null = null;
      if (invited) await grantMembership(tx, deps.config.billing, userId, invited.companyId, invited.role, now).catch(onInvitationField);
      if (enterpriseId) await grantMembership(tx, deps.config.billing, userId, enterpriseId, "MEMBER", now);
      if (!invited && !enterpriseId) {
        pendingCompanyId = await findCompanyByVerifiedDomain(tx, domainOfEmail(account.email));
        if (pendingCompanyId) {
          await tx.membership.create({ data: { userId, companyId: pendingCompanyId, role: "MEMBER", status: "PENDING_APPROVAL", roleSince: now } });
        }
      }
      const assignment: CompanyAssignment = invited ? "INVITATION" : enterpriseId ? "ENTERPRISE_SSO" : pendingCompanyId ? "DOMAIN_MATCH" : "INDIVIDUAL";
      await recordAudit(tx, {
        action: "user.registered",
        actorId: userId,
        companyId: activeCompanyId,
        targetType: "user",
        targetId: userId,
        metadata: {
          assignment,
          via: account.registrationType,
          ...(invited ? { invitationId: invited.invitationId, role: invited.role } : {}),
          ...(pendingCompanyId ? { pendingCompanyId } : {}),
          ...(enterpriseId ? { enterpriseCompanyId: enterpriseId } : {}),
        },
        client,
      });
      if (pendingCompanyId) {
        await recordAudit(tx, {
          action: "membership.requested",
          actorId: userId,
          companyId: pendingCompanyId,
          targetType: "user",
          targetId: userId,
          metadata: { via: "verified_domain" },
          client,
        });
      }
      const authMethods = account.identity ? ["sso"] : ["pwd"];
      const opened = await openSession(deps, tx, { userId, companyId: activeCompanyId, userAgent: client.userAgent, ip: client.ip, authMethods });
      return { user, ...opened, assignment, invited, enterpriseId, activeCompanyId, pendingCompanyId };
    });
    await membershipChanged(deps, userId, individualId, "OWNER", now);
    if (registered.invited) await membershipChanged(deps, userId, registered.invited.companyId, registered.invited.role, now);
    if (registered.enterpriseId) await membershipChanged(deps, userId, registered.enterpriseId, "MEMBER", now);
    const tokens = await issueTokens(deps, registered.session, registered.refreshToken, { correlationId: client.correlationId });
    deps.authMetrics.recordActivity("register", "none");
    return {
      user: registered.user,
      tokens,
      status: registered.pendingCompanyId ? "REQUIRES_ADDITIONAL_VERIFICATION" : registered.user.verificationStatus,
      assignment: registered.assignment,
      companyId: registered.activeCompanyId,
      pendingCompanyId: registered.pendingCompanyId,
    };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError(ErrorCode.EMAIL_TAKEN, "An account with this email already exists", ["input", "email"]);
    }
    throw error;
  }
}

/** Links an external identity to a user, with its audit event, in the caller's transaction. */
export async function linkIdentity(
  tx: Prisma.TransactionClient,
  userId: string,
  identity: IdentityRef,
  client: ClientInfo,
): Promise<void> {
  await tx.externalIdentity.create({ data: { userId, provider: identity.provider, issuer: identity.issuer, subject: identity.subject, email: identity.email } });
  await recordAudit(tx, {
    action: "identity.linked",
    actorId: userId,
    targetType: "user",
    targetId: userId,
    metadata: { provider: identity.provider, issuer: identity.issuer },
    client,
  });
}
