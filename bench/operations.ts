export const meQuery = "{ me { id email fullName } }";

export const registerMutation = `mutation Register($input: RegisterInput!) {
  register(input: $input) { tokens { accessToken } userErrors { field code message } }
}`;

export const loginMutation = `mutation Login($input: LoginInput!) {
  login(input: $input) { tokens { accessToken } userErrors { field code message } }
}`;

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string }>;
}

export async function postGraphQL(url: string, body: string, headers: Record<string, string> = {}): Promise<GraphQLBody> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return (await response.json()) as GraphQLBody;
}

/** The access token a register or login payload carries; throws with the payload when it has none. */
export function accessTokenOf(result: GraphQLBody, field: "register" | "login"): string {
  const payload = result.data?.[field] as { tokens?: { accessToken?: string } | null } | undefined;
  const token = payload?.tokens?.accessToken;
  if (!token) throw new Error(`${field} returned no access token: ${JSON.stringify(result)}`);
  return token;
}
