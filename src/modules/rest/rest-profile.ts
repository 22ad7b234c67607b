import { create } from "@bufbuild/protobuf";
import {
  UserRegistrationRequest_ProfileDetails_InvestmentProfile as InvestmentProfile,
  UserRegistrationRequest_ProfileDetails_RiskTolerance as RiskTolerance,
  UserRegistrationResponse_VerificationStatus as VerificationStatus,
} from "../../generated/proto/user_management/v1/registration_pb.js";
import { Role, UserProfile_Status, UserProfileSchema, type UserProfile } from "../../generated/proto/user_management/v1/user_context_pb.js";
import type { ServiceDeps } from "../../deps.js";
import type { Principal } from "../../permissions/principal.js";
import { DomainError, ErrorCode } from "../../platform/errors.js";
import { findMfaEnabled } from "../auth/mfa.service.js";
import { findUsersByIds } from "../users/users.service.js";

/** The signed-in user as the seed's UserProfile, with their role and permissions in the session's company. */
export async function profileOf(deps: ServiceDeps, principal: Principal): Promise<UserProfile> {
  const [[user], [mfaEnabled]] = await Promise.all([findUsersByIds(deps, [principal.userId]), findMfaEnabled(deps, [principal.userId])]);
  if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, "The account no longer exists");
  const hasDetails = user.investmentProfile !== null || user.riskTolerance !== null;
  return create(UserProfileSchema, {
    userId: user.id,
    email: user.email,
    fullName: user.fullName,
    companyId: principal.companyId,
    role: Role[principal.role],
    createdAt: BigInt(user.createdAt.getTime()),
    status: UserProfile_Status[user.status],
    emailVerified: user.verificationStatus === "VERIFIED",
    mfaEnabled: mfaEnabled === true,
    permissions: [...principal.permissions],
    verificationStatus: VerificationStatus[user.verificationStatus],
    profileDetails: hasDetails
      ? {
          investmentProfile: InvestmentProfile[user.investmentProfile ?? "CONSERVATIVE"],
          riskTolerance: RiskTolerance[user.riskTolerance ?? "LOW"],
        }
      : undefined,
  });
}
