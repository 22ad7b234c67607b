import type { RequestContext } from "../../context.js";
import { representationId } from "../../platform/entity-representations.js";
import type { UserRecord } from "./users.service.js";

/** Resolves `User` representations sent by the gateway; batched through the request's loader. */
export const userReference = {
  User: {
    __resolveReference(reference: { id?: unknown }, context: RequestContext): Promise<UserRecord | null> {
      return context.loaders.userById.load(representationId(reference));
    },
  },
};
