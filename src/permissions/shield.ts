import { deny, shield, type IRules } from "graphql-shield";
import { forbidden } from "../platform/errors";
import {
  canManageInvitation,
  hasCompanyPermission,
  hasCompanyRole,
  isAuthenticated,
  isMembershipVisible,
  isPublic,
  isSelf,
  isSelfOrTheirManager,
} from "./rules";

const isMemberOfArgCompany = hasCompanyRole("VIEWER", "args.companyId");
const isMemberOfCompany = hasCompanyRole("VIEWER", "parent.id");
const managesUsersOfArgCompany = hasCompanyPermission("users.manage", "args.companyId");
const managesUsersOfCompany = hasCompanyPermission("users.manage", "parent.id");
const isOwnerOfArgCompany = hasCompanyRole("OWNER", "args.companyId");

/** Every field's access rule. Anything not listed here is denied. */
export const permissionRules = {
  Query: {
    _service: isPublic,
    _entities: isPublic,
    tierFeatures: isPublic,
    me: isPublic,
    user: isAuthenticated,
    sessions: isAuthenticated,
    company: isAuthenticated,
    myCompanies: isAuthenticated,
    auditLog: hasCompanyRole("ADMIN", "args.companyId"),
  },
  Mutation: {
    register: isPublic,
    login: isPublic,
    refreshToken: isPublic,
    logout: isAuthenticated,
    logoutAllSessions: isAuthenticated,
    revokeSession: isAuthenticated,
    updateProfile: isAuthenticated,
    createCompany: isAuthenticated,
    switchCompany: isMemberOfArgCompany,
    updateCompany: hasCompanyPermission("company.manage", "args.companyId"),
    updateCompanySettings: hasCompanyRole("ADMIN", "args.companyId"),
    leaveCompany: isMemberOfArgCompany,
    inviteUser: managesUsersOfArgCompany,
    acceptInvitation: isAuthenticated,
    revokeInvitation: canManageInvitation,
    updateMemberRole: managesUsersOfArgCompany,
    removeMember: managesUsersOfArgCompany,
    approveMember: managesUsersOfArgCompany,
    rejectMember: managesUsersOfArgCompany,
    transferOwnership: isOwnerOfArgCompany,
    addCompanyDomain: isOwnerOfArgCompany,
    verifyCompanyDomain: isOwnerOfArgCompany,
    requestEmailVerification: isAuthenticated,
    verifyEmail: isPublic,
    requestPasswordReset: isPublic,
    resetPassword: isPublic,
    changePassword: isAuthenticated,
    requestEmailChange: isAuthenticated,
    confirmEmailChange: isPublic,
  },
  _Service: isPublic,
  RegisterPayload: isPublic,
  LoginPayload: isPublic,
  TokenPayload: isPublic,
  AuthTokens: isPublic,
  UserPayload: isPublic,
  CompanyPayload: isPublic,
  InvitationPayload: isPublic,
  MutationResult: isPublic,
  UserError: isPublic,
  PageInfo: isPublic,
  MembershipEdge: isPublic,
  MembershipConnection: isPublic,
  Session: isPublic,
  User: {
    id: isAuthenticated,
    fullName: isAuthenticated,
    email: isSelfOrTheirManager,
    status: isSelfOrTheirManager,
    verificationStatus: isSelfOrTheirManager,
    registrationType: isSelfOrTheirManager,
    investmentProfile: isSelfOrTheirManager,
    riskTolerance: isSelfOrTheirManager,
    createdAt: isSelfOrTheirManager,
    lastLoginAt: isSelfOrTheirManager,
    memberships: isSelfOrTheirManager,
    activeCompany: isSelf,
  },
  Company: {
    id: isMemberOfCompany,
    name: isMemberOfCompany,
    type: isMemberOfCompany,
    industry: isMemberOfCompany,
    companySize: isMemberOfCompany,
    createdAt: isMemberOfCompany,
    members: isMemberOfCompany,
    settings: hasCompanyPermission("settings.view", "parent.id"),
    invitations: managesUsersOfCompany,
    pendingMembers: managesUsersOfCompany,
    domains: managesUsersOfCompany,
  },
  Membership: isMembershipVisible,
  CompanySettings: hasCompanyPermission("settings.view", "parent.companyId"),
  CompanyDomain: hasCompanyPermission("users.manage", "parent.companyId"),
  Invitation: hasCompanyPermission("users.manage", "parent.companyId"),
  AuditEvent: hasCompanyRole("ADMIN", "parent.companyId"),
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
