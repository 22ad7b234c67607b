import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../context";
import { requirePrincipal } from "../../permissions/principal";
import { userErrorsFrom } from "../../platform/errors";
import { MutationResult } from "../../platform/graphql-types";
import { login, register } from "./auth.service";
import { LoginInput, LoginPayload, RegisterInput, RegisterPayload, Session, TokenPayload } from "./auth.types";
import { listSessions, refreshSession, revokeAllSessions, revokeOwnSession, revokeSessions } from "./sessions.service";

function clientOf(context: RequestContext) {
  return { ip: context.ip, userAgent: context.userAgent, correlationId: context.correlationId };
}

@Resolver()
export class AuthResolver {
  @Mutation(() => RegisterPayload)
  async register(@Arg("input", () => RegisterInput) input: RegisterInput, @Ctx() context: RequestContext): Promise<RegisterPayload> {
    try {
      const registered = await register(context.deps.sessions, input, clientOf(context));
      await context.actAs(registered.tokens.accessToken);
      return { ...registered, userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => LoginPayload)
  async login(@Arg("input", () => LoginInput) input: LoginInput, @Ctx() context: RequestContext): Promise<LoginPayload> {
    try {
      const signedIn = await login(context.deps.sessions, input, clientOf(context));
      await context.actAs(signedIn.tokens.accessToken);
      return { ...signedIn, mfaRequired: false, userErrors: [] };
    } catch (error) {
      return { mfaRequired: false, userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => TokenPayload)
  async refreshToken(@Arg("refreshToken", () => String) refreshToken: string, @Ctx() context: RequestContext): Promise<TokenPayload> {
    try {
      return { tokens: await refreshSession(context.deps.sessions, refreshToken, context.correlationId), userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => MutationResult, { description: "Ends the current session." })
  async logout(@Ctx() context: RequestContext): Promise<MutationResult> {
    const principal = requirePrincipal(context.principal);
    await revokeSessions(context.deps.sessions, principal.userId, [principal.sessionId], "logout");
    return { ok: true, userErrors: [] };
  }

  @Mutation(() => MutationResult, { description: "Ends every session of the caller, on every device." })
  async logoutAllSessions(@Ctx() context: RequestContext): Promise<MutationResult> {
    await revokeAllSessions(context.deps.sessions, requirePrincipal(context.principal).userId, "logout_all");
    return { ok: true, userErrors: [] };
  }

  @Mutation(() => MutationResult, { description: "Ends one of the caller's sessions." })
  async revokeSession(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    try {
      await revokeOwnSession(context.deps.sessions, requirePrincipal(context.principal).userId, id);
      return { ok: true, userErrors: [] };
    } catch (error) {
      return { ok: false, userErrors: userErrorsFrom(error) };
    }
  }

  @Query(() => [Session], { description: "The caller's active sessions, newest first." })
  sessions(@Ctx() context: RequestContext): Promise<Session[]> {
    const principal = requirePrincipal(context.principal);
    return listSessions(context.deps.sessions, principal.userId, principal.sessionId);
  }
}
