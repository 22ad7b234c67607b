import type { RequestContext } from "../../context.js";
import { representationId } from "../../platform/entity-representations.js";
import type { CompanyRecord } from "./companies.service.js";

/** Resolves `Company` representations sent by the gateway; batched through the request's loader. */
export const companyReference = {
  Company: {
    __resolveReference(reference: { id?: unknown }, context: RequestContext): Promise<CompanyRecord | null> {
      return context.loaders.companyById.load(representationId(reference));
    },
  },
};
