import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from "@apollo/server";
import { ErrorCode, type UserErrorShape } from "./errors.js";

/** Seconds to wait when every root field of the answer was refused as RATE_LIMITED, else undefined. */
export function wholeRequestRetryAfter(data: Record<string, unknown> | null | undefined): number | undefined {
  if (!data) return undefined;
  let wait = 0;
  let fields = 0;
  for (const [name, value] of Object.entries(data)) {
    if (name === "__typename") continue;
    fields += 1;
    const userErrors = (value as { userErrors?: UserErrorShape[] } | null)?.userErrors;
    const refusal = userErrors?.find((error) => error.code === ErrorCode.RATE_LIMITED);
    if (!refusal) return undefined;
    wait = Math.max(wait, refusal.retryAfterSeconds ?? 1);
  }
  return fields > 0 ? wait : undefined;
}

/** A request whose every attempt was refused answers HTTP 429 with `Retry-After`, as HTTP clients and proxies expect. */
export function retryAfterPlugin(): ApolloServerPlugin {
  const listener: GraphQLRequestListener<BaseContext> = {
    async willSendResponse({ response, operation }) {
      // Only mutations are rate limited, so only they can be refused as a whole.
      if (operation?.operation !== "mutation" || response.body.kind !== "single") return;
      const wait = wholeRequestRetryAfter(response.body.singleResult.data);
      if (wait === undefined) return;
      response.http.status = 429;
      response.http.headers.set("retry-after", String(wait));
    },
  };
  return { requestDidStart: async () => listener };
}
