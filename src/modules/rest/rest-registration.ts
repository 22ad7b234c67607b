import {
  UserRegistrationRequest_ProfileDetails_InvestmentProfile as InvestmentProfile,
  UserRegistrationRequest_ProfileDetails_RiskTolerance as RiskTolerance,
  UserRegistrationRequest_RegistrationType as RegistrationType,
  type UserRegistrationRequest,
} from "../../generated/proto/user_management/v1/registration_pb.js";
import type { RegisterInput } from "../auth/auth.service.js";

/** The register service's input from the seed's UserRegistrationRequest (enum numbers already checked as known). */
export function registrationInputOf(message: UserRegistrationRequest): RegisterInput {
  const details = message.profileDetails;
  return {
    email: message.email,
    password: message.password || null,
    fullName: message.fullName,
    registrationType: RegistrationType[message.registrationType] as RegisterInput["registrationType"],
    idToken: message.idToken ?? null,
    invitationCode: message.invitationCode ?? null,
    investmentProfile: details ? (InvestmentProfile[details.investmentProfile] as RegisterInput["investmentProfile"]) : null,
    riskTolerance: details ? (RiskTolerance[details.riskTolerance] as RegisterInput["riskTolerance"]) : null,
  };
}
