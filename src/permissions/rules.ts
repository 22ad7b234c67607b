import { allow, rule } from "graphql-shield";
import { BugError, forbidden, unauthenticated } from "../platform/errors";
import type { AccessContext } from "./access";

/** Anyone, signed in or not. */
export const isPublic = allow;

/** A caller with a valid access token (not cached: register and login sign the request in midway). */
export const isAuthenticated = rule({ cache: "no_cache" })((_parent, _args, context: AccessContext) =>
  context.principal ? true : unauthenticated(),
);

/** The user object is the caller themself. */
export const isSelf = rule({ cache: "no_cache" })((parent: { id?: string }, _args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  if (typeof parent?.id !== "string") throw new BugError("BUG_RULE_WITHOUT_ID", "isSelf applied to an object without id");
  return parent.id === context.principal.userId ? true : forbidden("Only the user themself may see this field");
});

/** The company object is one the caller belongs to, whatever their role. */
export const isCompanyMember = rule({ cache: "no_cache" })(async (parent: { id?: string }, _args, context: AccessContext) => {
  if (!context.principal) return unauthenticated();
  if (typeof parent?.id !== "string") throw new BugError("BUG_RULE_WITHOUT_ID", "isCompanyMember applied to an object without id");
  return (await context.companyRoleOf(parent.id)) ? true : forbidden("Only members of this company may see it");
});
