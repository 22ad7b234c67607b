import type { RequestContext } from "../../context.js";
import type { UserRecord } from "./users.service.js";

/** Resolves `User` representations sent by the gateway; batched through the request's loader. */
export const userReference = {
  User: {
    __resolveReference(reference: { id: string }, context: RequestContext): Promise<UserRecord | null> {
      return context.loaders.userById.load(reference.id);
    },
  },
};
