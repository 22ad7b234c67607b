/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment Tokens on AuthTokens {\n  accessToken\n  refreshToken\n  tokenType\n  expiresIn\n}\n\nfragment Problems on UserError {\n  field\n  code\n  message\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    user {\n      id\n      email\n      fullName\n      registrationType\n      verificationStatus\n    }\n    tokens {\n      ...Tokens\n    }\n    status\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      id\n      email\n    }\n    tokens {\n      ...Tokens\n    }\n    mfaRequired\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    tokens {\n      ...Tokens\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Logout {\n  logout {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation LogoutAllSessions {\n  logoutAllSessions {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id) {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    createdAt\n    lastUsedAt\n    userAgent\n    ip\n    current\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    fullName\n    status\n    verificationStatus\n    registrationType\n    investmentProfile\n    riskTolerance\n    createdAt\n    lastLoginAt\n    activeCompany {\n      id\n      name\n      type\n    }\n  }\n}\n\nquery UserById($id: ID!) {\n  user(id: $id) {\n    id\n    fullName\n    email\n  }\n}\n\nmutation UpdateProfile($input: UpdateProfileInput!) {\n  updateProfile(input: $input) {\n    user {\n      id\n      fullName\n      investmentProfile\n      riskTolerance\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}": typeof types.TokensFragmentDoc,
    "query TierFeatures($tier: SubscriptionTier!) {\n  tierFeatures(tier: $tier)\n}": typeof types.TierFeaturesDocument,
};
const documents: Documents = {
    "fragment Tokens on AuthTokens {\n  accessToken\n  refreshToken\n  tokenType\n  expiresIn\n}\n\nfragment Problems on UserError {\n  field\n  code\n  message\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    user {\n      id\n      email\n      fullName\n      registrationType\n      verificationStatus\n    }\n    tokens {\n      ...Tokens\n    }\n    status\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      id\n      email\n    }\n    tokens {\n      ...Tokens\n    }\n    mfaRequired\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    tokens {\n      ...Tokens\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Logout {\n  logout {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation LogoutAllSessions {\n  logoutAllSessions {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id) {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    createdAt\n    lastUsedAt\n    userAgent\n    ip\n    current\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    fullName\n    status\n    verificationStatus\n    registrationType\n    investmentProfile\n    riskTolerance\n    createdAt\n    lastLoginAt\n    activeCompany {\n      id\n      name\n      type\n    }\n  }\n}\n\nquery UserById($id: ID!) {\n  user(id: $id) {\n    id\n    fullName\n    email\n  }\n}\n\nmutation UpdateProfile($input: UpdateProfileInput!) {\n  updateProfile(input: $input) {\n    user {\n      id\n      fullName\n      investmentProfile\n      riskTolerance\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}": types.TokensFragmentDoc,
    "query TierFeatures($tier: SubscriptionTier!) {\n  tierFeatures(tier: $tier)\n}": types.TierFeaturesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment Tokens on AuthTokens {\n  accessToken\n  refreshToken\n  tokenType\n  expiresIn\n}\n\nfragment Problems on UserError {\n  field\n  code\n  message\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    user {\n      id\n      email\n      fullName\n      registrationType\n      verificationStatus\n    }\n    tokens {\n      ...Tokens\n    }\n    status\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      id\n      email\n    }\n    tokens {\n      ...Tokens\n    }\n    mfaRequired\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    tokens {\n      ...Tokens\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Logout {\n  logout {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation LogoutAllSessions {\n  logoutAllSessions {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id) {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    createdAt\n    lastUsedAt\n    userAgent\n    ip\n    current\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    fullName\n    status\n    verificationStatus\n    registrationType\n    investmentProfile\n    riskTolerance\n    createdAt\n    lastLoginAt\n    activeCompany {\n      id\n      name\n      type\n    }\n  }\n}\n\nquery UserById($id: ID!) {\n  user(id: $id) {\n    id\n    fullName\n    email\n  }\n}\n\nmutation UpdateProfile($input: UpdateProfileInput!) {\n  updateProfile(input: $input) {\n    user {\n      id\n      fullName\n      investmentProfile\n      riskTolerance\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}"): (typeof documents)["fragment Tokens on AuthTokens {\n  accessToken\n  refreshToken\n  tokenType\n  expiresIn\n}\n\nfragment Problems on UserError {\n  field\n  code\n  message\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    user {\n      id\n      email\n      fullName\n      registrationType\n      verificationStatus\n    }\n    tokens {\n      ...Tokens\n    }\n    status\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      id\n      email\n    }\n    tokens {\n      ...Tokens\n    }\n    mfaRequired\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    tokens {\n      ...Tokens\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation Logout {\n  logout {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation LogoutAllSessions {\n  logoutAllSessions {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id) {\n    ok\n    userErrors {\n      ...Problems\n    }\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    createdAt\n    lastUsedAt\n    userAgent\n    ip\n    current\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    fullName\n    status\n    verificationStatus\n    registrationType\n    investmentProfile\n    riskTolerance\n    createdAt\n    lastLoginAt\n    activeCompany {\n      id\n      name\n      type\n    }\n  }\n}\n\nquery UserById($id: ID!) {\n  user(id: $id) {\n    id\n    fullName\n    email\n  }\n}\n\nmutation UpdateProfile($input: UpdateProfileInput!) {\n  updateProfile(input: $input) {\n    user {\n      id\n      fullName\n      investmentProfile\n      riskTolerance\n    }\n    userErrors {\n      ...Problems\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TierFeatures($tier: SubscriptionTier!) {\n  tierFeatures(tier: $tier)\n}"): (typeof documents)["query TierFeatures($tier: SubscriptionTier!) {\n  tierFeatures(tier: $tier)\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;