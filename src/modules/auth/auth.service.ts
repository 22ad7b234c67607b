import { randomBytes, randomUUID } from "node:crypto";
import { Prisma } from "../../generated/prisma/client";
import type { InvestmentProfile, RegistrationType, RiskTolerance } from "../../generated/prisma/enums";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../../platform/crypto";
import { BugError, DomainError, DomainErrors, ErrorCode } from "../../platform/errors";
import { findActiveMembership } from "../companies/companies.service";
import { forgetUser, fullNameProblems, normalizeEmail, userSelect, type UserRecord } from "../users/users.service";
import { passwordProblems } from "./password-policy";
import { issueTokens, openSession, type AuthTokens, type SessionsDeps } from "./sessions.service";

/** Where a request comes from, recorded on the session and the login attempt. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  correlationId?: string;
}

export interface RegisterInput {
  email: string;
  password?: string | null;
  fullName: string;
  registrationType?: RegistrationType | null;
  idToken?: string | null;
  invitationCode?: string | null;
  investmentProfile?: InvestmentProfile | null;
  riskTolerance?: RiskTolerance | null;
}

export interface SignedIn {
  user: UserRecord;
  tokens: AuthTokens;
}

const emailMaxLength = 254;

function registrationProblems(input: RegisterInput, email: string): DomainError[] {
  const problems: DomainError[] = [];
  if (email.length > emailMaxLength) problems.push(new DomainError(ErrorCode.TOO_LONG, "The email address is too long", ["input", "email"]));
  problems.push(...fullNameProblems(input.fullName, ["input", "fullName"]));
  if (!input.password) problems.push(new DomainError(ErrorCode.REQUIRED, "Choose a password", ["input", "password"]));
  else problems.push(...passwordProblems(input.password, email, ["input", "password"]));
  return problems;
}

function individualCompanySlug(): string {
  return `individual-${randomBytes(9).toString("base64url").toLowerCase()}`;
}

function oneMonthAfter(start: Date): Date {
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 1);
  return end;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * Registers with email and password: the user, their individual company (as OWNER) with a FREE
 * subscription, and the first session, in one transaction.
 */
export async function register(deps: SessionsDeps, input: RegisterInput, client: ClientInfo): Promise<SignedIn & { status: UserRecord["verificationStatus"] }> {
  if ((input.registrationType ?? "EMAIL") !== "EMAIL") {
    throw new DomainError(ErrorCode.UNSUPPORTED_REGISTRATION_TYPE, "Only EMAIL registration is available", ["input", "registrationType"]);
  }
  if (input.invitationCode) {
    throw new DomainError(ErrorCode.INVALID_INVITATION, "The invitation code is not valid", ["input", "invitationCode"]);
  }
  const email = normalizeEmail(input.email);
  const problems = registrationProblems(input, email);
  if (problems.length) throw new DomainErrors(problems);

  const passwordHash = await hashPassword(input.password!);
  const fullName = input.fullName.trim();
  const now = new Date();
  try {
    const companyId = randomUUID();
    const { user, session, refreshToken } = await deps.prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email,
          passwordHash,
          fullName,
          registrationType: "EMAIL",
          investmentProfile: input.investmentProfile ?? null,
          riskTolerance: input.riskTolerance ?? null,
          lastActiveCompanyId: companyId,
          lastLoginAt: now,
          memberships: {
            create: {
              role: "OWNER",
              company: {
                create: {
                  id: companyId,
                  name: fullName,
                  slug: individualCompanySlug(),
                  type: "INDIVIDUAL",
                  subscription: { create: { tier: "FREE", currentPeriodStart: now, currentPeriodEnd: oneMonthAfter(now) } },
                },
              },
            },
          },
        },
        select: userSelect,
      });
      const opened = await openSession(deps, tx, { userId: user.id, companyId, userAgent: client.userAgent, ip: client.ip });
      return { user, ...opened };
    });
    const tokens = await issueTokens(deps, session, refreshToken, { correlationId: client.correlationId });
    return { user, tokens, status: user.verificationStatus };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError(ErrorCode.EMAIL_TAKEN, "An account with this email already exists", ["input", "email"]);
    }
    throw error;
  }
}

const invalidCredentials = () => new DomainError(ErrorCode.INVALID_CREDENTIALS, "Invalid email or password");

/** Signs in with email and password. Unknown email and wrong password answer alike, in similar time. */
export async function login(deps: SessionsDeps, input: { email: string; password: string }, client: ClientInfo): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  const user =
    email.length <= emailMaxLength
      ? await deps.prisma.user.findUnique({
          where: { email },
          select: { ...userSelect, passwordHash: true, lockedUntil: true, lastActiveCompanyId: true },
        })
      : null;
  const passwordOk = user?.passwordHash && input.password.length <= 1024
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password.slice(0, 1024));

  const recordAttempt = (success: boolean, reason: string | null) =>
    deps.prisma.loginAttempt.create({
      data: { userId: user?.id ?? null, email: email.slice(0, emailMaxLength), ip: client.ip, userAgent: client.userAgent?.slice(0, 512) ?? null, success, reason },
    });

  if (!user || !passwordOk || user.status === "DELETED") {
    await recordAttempt(false, user ? "wrong_password" : "unknown_email");
    throw invalidCredentials();
  }
  if (user.status === "SUSPENDED") {
    await recordAttempt(false, "suspended");
    throw new DomainError(ErrorCode.ACCOUNT_SUSPENDED, "This account is suspended; contact support");
  }
  if (user.status === "LOCKED" || (user.lockedUntil && user.lockedUntil > new Date())) {
    await recordAttempt(false, "locked");
    throw new DomainError(ErrorCode.ACCOUNT_LOCKED, "This account is temporarily locked; try again later or reset your password");
  }

  const membership = await findActiveMembership(deps, user.id, user.lastActiveCompanyId);
  if (!membership) throw new BugError("BUG_USER_WITHOUT_COMPANY", "an active user has no active membership");
  const now = new Date();
  const { session, refreshToken } = await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now, lastActiveCompanyId: membership.companyId, failedLoginCount: 0 } });
    return openSession(deps, tx, { userId: user.id, companyId: membership.companyId, userAgent: client.userAgent, ip: client.ip });
  });
  await forgetUser(deps, user.id);
  await recordAttempt(true, null);
  const tokens = await issueTokens(deps, session, refreshToken, { correlationId: client.correlationId, membership });
  const { passwordHash: _hash, lockedUntil: _locked, lastActiveCompanyId: _last, ...record } = user;
  return { user: { ...record, lastLoginAt: now }, tokens };
}
