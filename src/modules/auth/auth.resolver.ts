import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { actorOf, clientOf, type RequestContext } from "../../context.js";
import { requirePrincipal } from "../../permissions/principal.js";
import { userErrorsFrom } from "../../platform/errors.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import { login, register, verifyMfa } from "./auth.service.js";
import { reauthenticate } from "./step-up.js";
import { LoginInput, LoginPayload, RegisterInput, RegisterPayload, Session, TokenPayload } from "./auth.types.js";
import { listSessions, refreshSession, revokeAllSessions, revokeOwnSession, revokeSessions, switchSessionCompany } from "./sessions.service.js";

@Resolver()
export class AuthResolver {
  @Mutation(() => RegisterPayload)
  async register(@Arg("input", () => RegisterInput) input: RegisterInput, @Ctx() context: RequestContext): Promise<RegisterPayload> {
    try {
      const outcome = await register(context.deps.services, input, clientOf(context));
      if (outcome.kind === "mfa_required") return { mfaRequired: true, mfaChallengeId: outcome.mfaChallengeId, userErrors: [] };
      await context.actAs(outcome.tokens.accessToken);
      const company = await context.loaders.companyById.load(outcome.companyId);
      if (outcome.kind === "signed_in") {
        return { user: outcome.user, tokens: outcome.tokens, status: outcome.user.verificationStatus, company, mfaRequired: false, userErrors: [] };
      }
      return { ...outcome, company, mfaRequired: false, userErrors: [] };
    } catch (error) {
      return { mfaRequired: false, userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => LoginPayload)
  async login(@Arg("input", () => LoginInput) input: LoginInput, @Ctx() context: RequestContext): Promise<LoginPayload> {
    try {
      const outcome = await login(context.deps.services, input, clientOf(context));
      if (outcome.mfaChallengeId !== undefined) {
        return { mfaRequired: true, mfaChallengeId: outcome.mfaChallengeId, mfaMethod: outcome.mfaMethod, userErrors: [] };
      }
      await context.actAs(outcome.tokens.accessToken);
      return { user: outcome.user, tokens: outcome.tokens, mfaRequired: false, userErrors: [] };
    } catch (error) {
      return { mfaRequired: false, userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => LoginPayload, { description: "The second step of a sign-in: a TOTP or recovery code for the challenge login returned." })
  async verifyMfa(
    @Arg("challengeId", () => String) challengeId: string,
    @Arg("code", () => String) code: string,
    @Ctx() context: RequestContext,
  ): Promise<LoginPayload> {
    try {
      const signedIn = await verifyMfa(context.deps.services, challengeId, code, clientOf(context));
      await context.actAs(signedIn.tokens.accessToken);
      return { ...signedIn, mfaRequired: false, userErrors: [] };
    } catch (error) {
      return { mfaRequired: true, mfaChallengeId: null, userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => TokenPayload, {
    description: "Proves again who you are in this session (password, or an authenticator or recovery code): new tokens whose auth_time is now, as disableMfa, regenerateRecoveryCodes and requestEmailChange need.",
  })
  async reauthenticate(
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("code", () => String, { nullable: true }) code: string | null,
    @Ctx() context: RequestContext,
  ): Promise<TokenPayload> {
    try {
      const tokens = await reauthenticate(context.deps.services, actorOf(context), { password, code });
      await context.actAs(tokens.accessToken);
      return { tokens, userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => TokenPayload)
  async refreshToken(@Arg("refreshToken", () => String) refreshToken: string, @Ctx() context: RequestContext): Promise<TokenPayload> {
    try {
      return { tokens: await refreshSession(context.deps.services, refreshToken, clientOf(context)), userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => TokenPayload, { description: "A new token pair for the current session, scoped to another company of the caller's." })
  async switchCompany(@Arg("companyId", () => ID) companyId: string, @Ctx() context: RequestContext): Promise<TokenPayload> {
    try {
      return { tokens: await switchSessionCompany(context.deps.services, actorOf(context), companyId), userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => MutationResult, { description: "Ends the current session." })
  logout(@Ctx() context: RequestContext): Promise<MutationResult> {
    const actor = actorOf(context);
    return mutationResult(async () => {
      await revokeSessions(context.deps.services, actor.userId, [actor.sessionId], "logout", actor);
      context.deps.services.authMetrics.recordActivity("logout", "none");
    });
  }

  @Mutation(() => MutationResult, { description: "Ends every session of the caller, on every device." })
  logoutAllSessions(@Ctx() context: RequestContext): Promise<MutationResult> {
    const actor = actorOf(context);
    return mutationResult(async () => {
      await revokeAllSessions(context.deps.services, actor.userId, "logout_all", actor);
      context.deps.services.authMetrics.recordActivity("logout", "none");
    });
  }

  @Mutation(() => MutationResult, { description: "Ends one of the caller's sessions." })
  revokeSession(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    const actor = actorOf(context);
    return mutationResult(() => revokeOwnSession(context.deps.services, actor.userId, id, actor));
  }

  @Query(() => [Session], { description: "The caller's active sessions, newest first." })
  sessions(@Ctx() context: RequestContext): Promise<Session[]> {
    const principal = requirePrincipal(context.principal);
    return listSessions(context.deps.services, principal.userId, principal.sessionId);
  }
}
