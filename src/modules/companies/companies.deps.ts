import type { Config } from "../../config";
import type { PrismaClient } from "../../generated/prisma/client";
import type { Cache } from "../../platform/cache/cache";
import type { TxtLookup } from "../../platform/dns/txt-records";
import type { Mailer } from "../../platform/mail/mailer";
import type { SessionGuard } from "../auth/session-guard";

/** What the tenancy services (companies, memberships, invitations, domains) need. */
export interface CompaniesDeps {
  prisma: PrismaClient;
  cache: Cache;
  guard: Pick<SessionGuard, "membershipChanged">;
  mailer: Mailer;
  lookupTxt: TxtLookup;
  config: Pick<Config, "invitations" | "billing">;
  clock?: () => number;
}
