import { deny, shield, type IRules } from "graphql-shield";
import { forbidden } from "../platform/errors";
import { isAuthenticated, isCompanyMember, isPublic, isSelf } from "./rules";

/** Every field's access rule. Anything not listed here is denied. */
export const permissionRules = {
  Query: {
    _service: isPublic,
    _entities: isPublic,
    tierFeatures: isPublic,
    me: isPublic,
    user: isAuthenticated,
    sessions: isAuthenticated,
  },
  Mutation: {
    register: isPublic,
    login: isPublic,
    refreshToken: isPublic,
    logout: isAuthenticated,
    logoutAllSessions: isAuthenticated,
    revokeSession: isAuthenticated,
    updateProfile: isAuthenticated,
  },
  _Service: isPublic,
  RegisterPayload: isPublic,
  LoginPayload: isPublic,
  TokenPayload: isPublic,
  AuthTokens: isPublic,
  UserPayload: isPublic,
  MutationResult: isPublic,
  UserError: isPublic,
  Session: isPublic,
  User: {
    id: isAuthenticated,
    fullName: isAuthenticated,
    email: isSelf,
    status: isSelf,
    verificationStatus: isSelf,
    registrationType: isSelf,
    investmentProfile: isSelf,
    riskTolerance: isSelf,
    createdAt: isSelf,
    lastLoginAt: isSelf,
    activeCompany: isSelf,
  },
  Company: {
    id: isCompanyMember,
    name: isCompanyMember,
    type: isCompanyMember,
    industry: isCompanyMember,
    companySize: isCompanyMember,
    createdAt: isCompanyMember,
  },
} satisfies IRules;

/** The shield middleware: deny by default, FORBIDDEN for a denied field, resolver errors passed through. */
export function createPermissions() {
  return shield(permissionRules, {
    // A rule that throws is a wiring bug: let it surface (logged, INTERNAL_SERVER_ERROR) instead of reading as "denied".
    debug: true,
    fallbackRule: deny,
    fallbackError: forbidden(),
    allowExternalErrors: true,
  });
}
