import "reflect-metadata";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { parse, type GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { buildSchema, createResolversMap } from "type-graphql";
import { AccountResolver } from "./modules/auth/account.resolver.js";
import { AuthResolver } from "./modules/auth/auth.resolver.js";
import { MfaResolver } from "./modules/auth/mfa.resolver.js";
import { CompaniesResolver } from "./modules/companies/companies.resolver.js";
import { Company } from "./modules/companies/companies.types.js";
import { companyReference } from "./modules/companies/companies.reference.js";
import { InvitationsResolver } from "./modules/companies/invitations.resolver.js";
import { MembershipConnectionResolver, MembershipsResolver } from "./modules/companies/memberships.resolver.js";
import { SsoProvidersResolver } from "./modules/companies/sso-providers.resolver.js";
import { PrivacyResolver } from "./modules/privacy/privacy.resolver.js";
import { AuditResolver } from "./modules/security/audit.resolver.js";
import { OperatorsResolver } from "./modules/security/operators.resolver.js";
import { SecurityEventsResolver } from "./modules/security/security-events.resolver.js";
import { CompanySubscriptionResolver, SubscriptionInfoResolver, SubscriptionsResolver } from "./modules/subscriptions/subscriptions.resolver.js";
import { UsersResolver } from "./modules/users/users.resolver.js";
import { VerificationResolver } from "./modules/users/verification.resolver.js";
import { User } from "./modules/users/users.types.js";
import { userReference } from "./modules/users/users.reference.js";
import { createPermissions } from "./permissions/shield.js";
import { validateEntityRepresentations } from "./platform/entity-representations.js";

const federationLink = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@inaccessible"])`;

const resolvers = [
  AuthResolver,
  AccountResolver,
  MfaResolver,
  UsersResolver,
  VerificationResolver,
  CompaniesResolver,
  MembershipsResolver,
  MembershipConnectionResolver,
  InvitationsResolver,
  SsoProvidersResolver,
  AuditResolver,
  OperatorsResolver,
  SecurityEventsResolver,
  SubscriptionsResolver,
  CompanySubscriptionResolver,
  SubscriptionInfoResolver,
  PrivacyResolver,
] as const;
const entityTypes = [User, Company];
const referenceResolvers = [userReference, companyReference];

function buildModuleSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers, orphanedTypes: entityTypes, skipCheck: true, validate: false });
}

function toSubgraphSdl(schema: GraphQLSchema): string {
  return `${federationLink}\n\n${printSchemaWithDirectives(schema)}\n`;
}

/** The subgraph SDL printed from the type-graphql classes, with federation directives. */
export async function printSubgraphSdl(): Promise<string> {
  return toSubgraphSdl(await buildModuleSchema());
}

/** The executable subgraph: SDL → buildSubgraphSchema → graphql-shield (applied after, so entities stay guarded). */
export async function createSchema(): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const moduleSchema = await buildModuleSchema();
  const sdl = toSubgraphSdl(moduleSchema);
  const resolverMap = createResolversMap(moduleSchema) as Record<string, Record<string, unknown>>;
  for (const reference of referenceResolvers) {
    for (const [typeName, fields] of Object.entries(reference)) {
      resolverMap[typeName] = { ...resolverMap[typeName], ...fields };
    }
  }
  const subgraph = validateEntityRepresentations(buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolverMap as never }));
  return { schema: applyMiddleware(subgraph, createPermissions()), sdl };
}
