import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { InvitationStatus } from "../../generated/prisma/enums.js";
import { requirePrincipal } from "../../permissions/principal.js";
import { encodeCursor } from "../../platform/cursor.js";
import { userErrorsFrom } from "../../platform/errors.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import { createCompany, listCompaniesOf, updateCompany, type CompanyRecord } from "./companies.service.js";
import {
  Company,
  CompanyDomain,
  CompanyPayload,
  CompanySettings,
  CompanySettingsInput,
  CreateCompanyInput,
  Membership,
  MembershipConnection,
  UpdateCompanyInput,
} from "./companies.types.js";
import { addCompanyDomain, verifyCompanyDomain, type CompanyDomainView } from "./domains.service.js";
import { Invitation } from "./invitations.types.js";
import { listInvitations, type InvitationRecord } from "./invitations.service.js";
import { listMembers, listPendingMembers, type MembershipRecord } from "./memberships.service.js";
import { updateCompanySettings, type CompanySettingsRecord } from "./settings.service.js";

/** A members page as the connection type expects it, remembering its company for `totalCount`. */
export interface MembersConnection {
  companyId: string;
  edges: { cursor: string; node: MembershipRecord }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function companyPayload(context: RequestContext, work: () => Promise<CompanyRecord | string>): Promise<CompanyPayload> {
  try {
    const result = await work();
    return { company: typeof result === "string" ? await context.loaders.companyById.load(result) : result, userErrors: [] };
  } catch (error) {
    return { userErrors: userErrorsFrom(error) };
  }
}

@Resolver(() => Company)
export class CompaniesResolver {
  @Query(() => Company, { nullable: true, description: "A company the caller is a member of; null otherwise." })
  async company(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<CompanyRecord | null> {
    return (await context.companyRoleOf(id)) ? context.loaders.companyById.load(id) : null;
  }

  @Query(() => [Company], { description: "The companies the caller is an active member of." })
  myCompanies(@Ctx() context: RequestContext): Promise<CompanyRecord[]> {
    return listCompaniesOf(context.deps.services, requirePrincipal(context.principal).userId);
  }

  @Mutation(() => CompanyPayload, { description: "Creates an organization; the caller becomes its OWNER." })
  createCompany(@Arg("input", () => CreateCompanyInput) input: CreateCompanyInput, @Ctx() context: RequestContext): Promise<CompanyPayload> {
    return companyPayload(context, () => createCompany(context.deps.services, actorOf(context), input));
  }

  @Mutation(() => CompanyPayload)
  updateCompany(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("input", () => UpdateCompanyInput) input: UpdateCompanyInput,
    @Ctx() context: RequestContext,
  ): Promise<CompanyPayload> {
    return companyPayload(context, () => updateCompany(context.deps.services, actorOf(context), companyId, input));
  }

  @Mutation(() => CompanyPayload)
  updateCompanySettings(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("input", () => CompanySettingsInput) input: CompanySettingsInput,
    @Ctx() context: RequestContext,
  ): Promise<CompanyPayload> {
    return companyPayload(context, async () => {
      const settings = await updateCompanySettings(context.deps.services, actorOf(context), companyId, input);
      context.loaders.settingsOfCompany.clear(companyId).prime(companyId, settings);
      return settings.companyId;
    });
  }

  @Mutation(() => MutationResult, { description: "Claims a mail domain for the company (OWNER); public mail providers are refused." })
  addCompanyDomain(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("domain", () => String) domain: string,
    @Ctx() context: RequestContext,
  ): Promise<MutationResult> {
    return mutationResult(() => addCompanyDomain(context.deps.services, actorOf(context), companyId, domain));
  }

  @Mutation(() => MutationResult, { description: "Checks the domain's DNS TXT record for the company's token." })
  verifyCompanyDomain(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("domain", () => String) domain: string,
    @Ctx() context: RequestContext,
  ): Promise<MutationResult> {
    return mutationResult(() => verifyCompanyDomain(context.deps.services, actorOf(context), companyId, domain));
  }

  @FieldResolver(() => MembershipConnection, { nullable: true, description: "Active members, oldest first." })
  async members(
    @Root() company: CompanyRecord,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: RequestContext,
  ): Promise<MembersConnection> {
    const page = await listMembers(context.deps.services, company.id, { first: first ?? 50, after });
    return {
      companyId: company.id,
      edges: page.memberships.map((node) => ({ cursor: encodeCursor(node.createdAt, node.id), node })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @FieldResolver(() => [Membership], { nullable: true, description: "Domain joins awaiting approval (ADMIN+)." })
  pendingMembers(@Root() company: CompanyRecord, @Ctx() context: RequestContext): Promise<MembershipRecord[]> {
    return listPendingMembers(context.deps.services, company.id);
  }

  @FieldResolver(() => CompanySettings, { nullable: true, description: "MANAGER+ may read, ADMIN+ may change." })
  settings(@Root() company: CompanyRecord, @Ctx() context: RequestContext): Promise<CompanySettingsRecord> {
    return context.loaders.settingsOfCompany.load(company.id);
  }

  @FieldResolver(() => [Invitation], { nullable: true, description: "ADMIN+; newest first." })
  invitations(
    @Root() company: CompanyRecord,
    @Arg("status", () => InvitationStatus, { nullable: true }) status: InvitationStatus | null,
    @Ctx() context: RequestContext,
  ): Promise<InvitationRecord[]> {
    return listInvitations(context.deps.services, company.id, status);
  }

  @FieldResolver(() => [CompanyDomain], { nullable: true, description: "Claimed mail domains and their TXT records (ADMIN+)." })
  domains(@Root() company: CompanyRecord, @Ctx() context: RequestContext): Promise<CompanyDomainView[]> {
    return context.loaders.domainsOfCompany.load(company.id);
  }
}
