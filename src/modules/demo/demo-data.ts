import { randomUUID } from "node:crypto";
import type { ServiceDeps } from "../../deps.js";
import type { SubscriptionTier } from "../../permissions/principal.js";
import type { Role } from "../../permissions/roles.js";
import { register } from "../auth/auth.service.js";
import { switchSessionCompany } from "../auth/sessions.service.js";
import { createCompany } from "../companies/companies.service.js";
import { acceptInvitation, inviteUser } from "../companies/invitations.service.js";
import type { Actor } from "../security/audit.service.js";
import { changeSubscription } from "../subscriptions/subscriptions.service.js";

/** Every demo account's address ends with it: how a run finds the data an earlier run made. */
export const demoEmailDomain = "demo.example";
/** The one password of every demo account (for trying things out; never use it outside a demo). */
export const demoPassword = "demo-password-2026";

export interface DemoPerson {
  email: string;
  fullName: string;
  role: Role;
}

export interface DemoCompany {
  name: string;
  industry: string;
  companySize: string;
  tier: SubscriptionTier;
  /** The first is the OWNER, who creates the company and invites the others. */
  people: DemoPerson[];
  /** Invitations left pending (each holds a seat). */
  pendingInvitations: { email: string; role: Role }[];
}

const person = (email: string, fullName: string, role: Role): DemoPerson => ({ email: `${email}@${demoEmailDomain}`, fullName, role });

export const demoCompanies: DemoCompany[] = [
  {
    name: "Northwind Capital",
    industry: "Asset management",
    companySize: "201-500",
    tier: "ENTERPRISE",
    people: [
      person("enterprise.owner", "Olivia Owner", "OWNER"),
      person("enterprise.admin", "Adam Admin", "ADMIN"),
      person("enterprise.manager", "Maya Manager", "MANAGER"),
      person("enterprise.member", "Milo Member", "MEMBER"),
      person("enterprise.viewer", "Vera Viewer", "VIEWER"),
    ],
    pendingInvitations: [{ email: `enterprise.invited@${demoEmailDomain}`, role: "MEMBER" }],
  },
  {
    name: "Bluebird Trading",
    industry: "Proprietary trading",
    companySize: "11-50",
    tier: "PRO",
    people: [person("pro.owner", "Paul Owner", "OWNER"), person("pro.admin", "Ada Admin", "ADMIN"), person("pro.member", "Mo Member", "MEMBER")],
    pendingInvitations: [{ email: `pro.invited@${demoEmailDomain}`, role: "VIEWER" }],
  },
  {
    // FREE has three seats: the owner, a viewer and the pending invitation.
    name: "Cedar Street Investors",
    industry: "Investment club",
    companySize: "1-10",
    tier: "FREE",
    people: [person("free.owner", "Fiona Owner", "OWNER"), person("free.viewer", "Victor Viewer", "VIEWER")],
    pendingInvitations: [{ email: `free.invited@${demoEmailDomain}`, role: "MEMBER" }],
  },
];

export interface SeededCompany {
  id: string;
  name: string;
  tier: SubscriptionTier;
  people: DemoPerson[];
  pendingInvitations: { email: string; role: Role }[];
}

export interface SeedReport {
  /** What this run did, one line each; empty when everything was there already. */
  changes: string[];
  companies: SeededCompany[];
}

const client = { ip: null, userAgent: "npm run db:seed", correlationId: `db-seed-${randomUUID()}` };

function actorFor(userId: string): Actor {
  return { userId, ...client };
}

function findUser(deps: ServiceDeps, email: string) {
  return deps.prisma.user.findUnique({ where: { email }, select: { id: true } });
}

/** Registers through the account service; returns the new user and the session registration opened. */
async function registerDemoUser(deps: ServiceDeps, who: DemoPerson, invitationCode?: string): Promise<{ userId: string; sessionId: string }> {
  const outcome = await register(deps, { email: who.email, password: demoPassword, fullName: who.fullName, invitationCode }, client);
  if (outcome.kind !== "registered") throw new Error(`${who.email} was not registered (${outcome.kind})`);
  const { sessionId } = await deps.tokens.verifyAccessToken(outcome.tokens.accessToken);
  return { userId: outcome.user.id, sessionId };
}

async function ensureOwner(deps: ServiceDeps, owner: DemoPerson, changes: string[]): Promise<{ userId: string; sessionId: string | null }> {
  const existing = await findUser(deps, owner.email);
  if (existing) return { userId: existing.id, sessionId: null };
  changes.push(`registered ${owner.email}`);
  return registerDemoUser(deps, owner);
}

/** The owner's organization; a new one also becomes where the owner's next sign-in starts (when their session is at hand). */
async function ensureCompany(deps: ServiceDeps, plan: DemoCompany, owner: { userId: string; sessionId: string | null }, changes: string[]): Promise<string> {
  const owned = await deps.prisma.membership.findFirst({
    where: { userId: owner.userId, role: "OWNER", status: "ACTIVE", company: { name: plan.name, type: "ORGANIZATION", status: "ACTIVE" } },
    select: { companyId: true },
  });
  if (owned) return owned.companyId;
  changes.push(`created ${plan.name}`);
  const company = await createCompany(deps, actorFor(owner.userId), { name: plan.name, industry: plan.industry, companySize: plan.companySize });
  if (owner.sessionId) await switchSessionCompany(deps, { ...actorFor(owner.userId), sessionId: owner.sessionId }, company.id);
  return company.id;
}

/** Upgrades a FREE company to its planned tier through the subscription service (charged to the development provider). */
async function ensureTier(deps: ServiceDeps, plan: DemoCompany, companyId: string, ownerId: string, changes: string[]): Promise<SubscriptionTier> {
  const { tier } = await deps.prisma.subscription.findUniqueOrThrow({ where: { companyId }, select: { tier: true } });
  if (tier !== "FREE" || plan.tier === "FREE") return tier;
  changes.push(`upgraded ${plan.name} to ${plan.tier}`);
  const changed = await changeSubscription(deps, actorFor(ownerId), companyId, { action: "UPGRADE", targetTier: plan.tier });
  return changed.subscription.tier;
}

async function isActiveMember(deps: ServiceDeps, email: string, companyId: string): Promise<boolean> {
  return (await deps.prisma.membership.count({ where: { companyId, status: "ACTIVE", user: { email } } })) > 0;
}

/** Invites the person and has them accept: a new account registers with the code, an existing one accepts it. */
async function ensureMember(deps: ServiceDeps, who: DemoPerson, companyId: string, ownerId: string, changes: string[]): Promise<void> {
  if (await isActiveMember(deps, who.email, companyId)) return;
  changes.push(`added ${who.email} as ${who.role}`);
  const { code } = await inviteUser(deps, actorFor(ownerId), companyId, { email: who.email, role: who.role });
  const existing = await findUser(deps, who.email);
  if (existing) await acceptInvitation(deps, { ...actorFor(existing.id), email: who.email }, code);
  else await registerDemoUser(deps, who, code);
}

async function ensurePendingInvitation(deps: ServiceDeps, invited: { email: string; role: Role }, companyId: string, ownerId: string, changes: string[]) {
  const pending = await deps.prisma.invitation.count({ where: { companyId, email: invited.email, status: "PENDING", expiresAt: { gt: new Date() } } });
  if (pending > 0 || (await isActiveMember(deps, invited.email, companyId))) return;
  changes.push(`invited ${invited.email} as ${invited.role}`);
  await inviteUser(deps, actorFor(ownerId), companyId, invited);
}

/**
 * Creates the demo companies, their people and pending invitations through the services, skipping whatever an
 * earlier run made (found by the demo emails): a second run changes nothing. An invitation that expired is renewed.
 */
export async function seedDemoData(deps: ServiceDeps): Promise<SeedReport> {
  const changes: string[] = [];
  const companies: SeededCompany[] = [];
  for (const plan of demoCompanies) {
    const [ownerPlan, ...others] = plan.people;
    const owner = await ensureOwner(deps, ownerPlan!, changes);
    const ownerId = owner.userId;
    const companyId = await ensureCompany(deps, plan, owner, changes);
    const tier = await ensureTier(deps, plan, companyId, ownerId, changes);
    for (const who of others) await ensureMember(deps, who, companyId, ownerId, changes);
    for (const invited of plan.pendingInvitations) await ensurePendingInvitation(deps, invited, companyId, ownerId, changes);
    companies.push({ id: companyId, name: plan.name, tier, people: plan.people, pendingInvitations: plan.pendingInvitations });
  }
  return { changes, companies };
}
