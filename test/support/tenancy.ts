import { membershipChanged } from "../../src/modules/companies/memberships.service.js";
import type { SubscriptionTier } from "../../src/permissions/principal.js";
import type { Role } from "../../src/permissions/roles.js";
import { CreateCompanyDocument, SwitchCompanyDocument } from "../generated/graphql.js";
import { registerAccount } from "./accounts.js";
import type { TestServer } from "./server.js";

export type Account = Awaited<ReturnType<typeof registerAccount>>;

/** An organization created through `createCompany` by `owner`; returns its id. */
export async function createOrganization(server: TestServer, owner: { tokens: { accessToken: string } }, name = "Acme Trading"): Promise<string> {
  const result = await server.graphql(CreateCompanyDocument, { input: { name } }, { token: owner.tokens.accessToken });
  const company = result.data?.createCompany.company;
  if (!company) throw new Error(`createCompany failed: ${JSON.stringify(result.errors ?? result.data?.createCompany.userErrors)}`);
  return company.id;
}

/** Makes `userId` an active member with `role`, straight in the database (for tests about something else than joining). */
export async function addMember(server: TestServer, companyId: string, userId: string, role: Role): Promise<void> {
  const { roleSince } = await server.deps.database.prisma.membership.create({ data: { companyId, userId, role } });
  await membershipChanged(server.deps.services, userId, companyId, role, roleSince);
}

/** A token pair of `account`'s session scoped to `companyId` (through `switchCompany`). */
export async function tokensIn(server: TestServer, account: { tokens: { accessToken: string } }, companyId: string) {
  const result = await server.graphql(SwitchCompanyDocument, { companyId }, { token: account.tokens.accessToken });
  const tokens = result.data?.switchCompany.tokens;
  if (!tokens) throw new Error(`switchCompany failed: ${JSON.stringify(result.errors ?? result.data?.switchCompany.userErrors)}`);
  return tokens;
}

/** Puts the company on `tier` straight in the database, as a finished upgrade would (for tests about something else than billing). */
export async function setPlan(server: TestServer, companyId: string, tier: SubscriptionTier): Promise<void> {
  const at = new Date();
  await server.deps.database.prisma.subscription.update({ where: { companyId }, data: { tier, planChangedAt: at } });
  await server.deps.guard.planChanged(companyId, tier, at);
}

/**
 * An organization with an OWNER and one account per other role, each holding a token scoped to it. It is on PRO,
 * whose 25 seats leave room to invite more (FREE's 3 would be full).
 */
export async function organizationWithRoles(server: TestServer, name = "Acme Trading") {
  const owner = await registerAccount(server, { fullName: `${name} Owner` });
  const companyId = await createOrganization(server, owner, name);
  await setPlan(server, companyId, "PRO");
  const members = { OWNER: { ...owner, tokens: await tokensIn(server, owner, companyId) } } as Record<Role, Account>;
  for (const role of ["ADMIN", "MANAGER", "MEMBER", "VIEWER"] as const) {
    const account = await registerAccount(server, { fullName: `${name} ${role}` });
    await addMember(server, companyId, account.user.id, role);
    members[role] = { ...account, tokens: await tokensIn(server, account, companyId) };
  }
  return { companyId, members };
}
