import type { Config } from "../../config.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Cache } from "../../platform/cache/cache.js";
import type { TxtLookup } from "../../platform/dns/txt-records.js";
import type { Mailer } from "../../platform/mail/mailer.js";
import type { SessionGuard } from "../auth/session-guard.js";

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
