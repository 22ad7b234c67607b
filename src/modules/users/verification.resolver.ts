import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { verifyUsers, type BatchVerification } from "./verification.service.js";
import { BatchVerificationResult } from "./verification.types.js";

@Resolver()
export class VerificationResolver {
  @Query(() => BatchVerificationResult, { description: "The seed's batch_user_verification: up to 1,000 members of the company, within 500 ms (ADMIN+)." })
  verifyUsers(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("userIds", () => [ID]) userIds: string[],
    @Ctx() context: RequestContext,
  ): Promise<BatchVerification> {
    return verifyUsers(context.deps.services, companyId, userIds);
  }
}
