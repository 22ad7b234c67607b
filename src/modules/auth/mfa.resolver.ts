import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { actorOf, type RequestContext } from "../../context.js";
import { userErrorsFrom } from "../../platform/errors.js";
import { MutationResult, mutationResult } from "../../platform/graphql-types.js";
import { confirmTotp, disableMfa, enrollTotp, regenerateRecoveryCodes } from "./mfa.service.js";
import { RecoveryCodesPayload, TotpEnrollmentPayload } from "./mfa.types.js";

async function recoveryCodesPayload(work: () => Promise<string[]>): Promise<RecoveryCodesPayload> {
  try {
    return { recoveryCodes: await work(), userErrors: [] };
  } catch (error) {
    return { userErrors: userErrorsFrom(error) };
  }
}

@Resolver()
export class MfaResolver {
  @Mutation(() => TotpEnrollmentPayload, { description: "Starts TOTP enrolment; confirm it with a first code." })
  async enrollTotp(@Ctx() context: RequestContext): Promise<TotpEnrollmentPayload> {
    try {
      return { enrollment: await enrollTotp(context.deps.services, actorOf(context)), userErrors: [] };
    } catch (error) {
      return { userErrors: userErrorsFrom(error) };
    }
  }

  @Mutation(() => RecoveryCodesPayload, { description: "Turns MFA on with a first TOTP code; answers the recovery codes." })
  confirmTotp(@Arg("code", () => String) code: string, @Ctx() context: RequestContext): Promise<RecoveryCodesPayload> {
    return recoveryCodesPayload(() => confirmTotp(context.deps.services, actorOf(context), code));
  }

  @Mutation(() => MutationResult, { description: "Turns MFA off; needs a current TOTP or recovery code." })
  disableMfa(@Arg("code", () => String) code: string, @Ctx() context: RequestContext): Promise<MutationResult> {
    return mutationResult(() => disableMfa(context.deps.services, actorOf(context), code));
  }

  @Mutation(() => RecoveryCodesPayload, { description: "Replaces the recovery codes; needs a current TOTP or recovery code." })
  regenerateRecoveryCodes(@Arg("code", () => String) code: string, @Ctx() context: RequestContext): Promise<RecoveryCodesPayload> {
    return recoveryCodesPayload(() => regenerateRecoveryCodes(context.deps.services, actorOf(context), code));
  }
}
