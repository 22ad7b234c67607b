import { createHash } from "node:crypto";

/** One raw HTTP request to /graphql that a caller got wrong. */
export interface BadRequest {
  category: string;
  method: "GET" | "POST";
  /** Appended to /graphql for GET. */
  search?: string;
  contentType?: string;
  body?: string;
  authenticated: boolean;
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Operations with string arguments, each a variable named `$s<n>` of type String or ID. */
const operations: { document: string; variables: string[] }[] = [
  { document: "query ($s0: ID!) { user(id: $s0) { id email } }", variables: ["s0"] },
  { document: "query ($s0: ID!, $s1: String) { company(id: $s0) { id name members(after: $s1) { totalCount } } }", variables: ["s0", "s1"] },
  { document: "query ($s0: ID!, $s1: String) { auditLog(companyId: $s0, after: $s1) { id } }", variables: ["s0", "s1"] },
  { document: "query ($s0: ID) { securityEvents(userId: $s0) { id } }", variables: ["s0"] },
  { document: "query ($s0: ID!, $s1: ID!) { verifyUsers(userIds: [$s0, $s1], companyId: $s1) { results { userId } } }", variables: ["s0", "s1"] },
  { document: "mutation ($s0: String!) { verifyEmail(token: $s0) { ok userErrors { code } } }", variables: ["s0"] },
  { document: "mutation ($s0: String!) { confirmEmailChange(token: $s0) { ok userErrors { code } } }", variables: ["s0"] },
  { document: "mutation ($s0: String!, $s1: String!) { verifyMfa(code: $s0, challengeId: $s1) { userErrors { code } } }", variables: ["s0", "s1"] },
  { document: "mutation ($s0: String!) { refreshToken(refreshToken: $s0) { userErrors { code } } }", variables: ["s0"] },
  { document: "mutation ($s0: ID!) { switchCompany(companyId: $s0) { userErrors { code } } }", variables: ["s0"] },
  { document: "mutation ($s0: ID!) { revokeSession(id: $s0) { ok userErrors { code } } }", variables: ["s0"] },
  { document: "mutation ($s0: String!) { acceptInvitation(code: $s0) { userErrors { code } } }", variables: ["s0"] },
  { document: "mutation ($s0: String) { updateProfile(input: { fullName: $s0 }) { userErrors { code } } }", variables: ["s0"] },
  { document: "mutation ($s0: String!, $s1: String, $s2: String) { createCompany(input: { name: $s0, industry: $s1, companySize: $s2 }) { userErrors { code } } }", variables: ["s0", "s1", "s2"] },
  { document: "mutation ($s0: ID!, $s1: String, $s2: String, $s3: String) { updateCompany(companyId: $s0, input: { name: $s1, industry: $s2, companySize: $s3 }) { userErrors { code } } }", variables: ["s0", "s1", "s2", "s3"] },
  { document: "mutation ($s0: String!, $s1: ID!) { addCompanyDomain(domain: $s0, companyId: $s1) { ok userErrors { code } } }", variables: ["s0", "s1"] },
];

const oddFragments = [
  "\u0000", "\u0001\u0002\u001f", "\u007f", "\r\n", "\t", "\ud800", "\udfff", "x\ud83dy", "\u202e", "\u200f", "\u061c",
  "\u200b", "\u200d", "\ufeff", "\u2028\u2029", "\uffff", "\ud83d\ude00", "e\u0301", "İ", "ß", "％", "' OR 1=1 --", "${}",
  "%00", "../../etc/passwd", "<script>", "\\", "\"", "null", "00000000-0000-0000-0000-00000000000\u0000",
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function oddString(random: () => number): string {
  const roll = random();
  if (roll < 0.1) return "a".repeat(50_000 + Math.floor(random() * 100_000));
  if (roll < 0.15) return "";
  const parts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(random, oddFragments));
  if (random() < 0.3) parts.push(pick(random, oddFragments).repeat(500 + Math.floor(random() * 2_000)));
  return parts.join("");
}

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = asArray ? [value] : { a: value };
  return value;
}

function wrongTyped(random: () => number): unknown {
  return pick(random, [
    () => Math.floor(random() * 1e9),
    () => random() < 0.5,
    () => ({ id: oddString(random) }),
    () => [oddString(random)],
    () => 1e308 * 10,
    () => nested(200 + Math.floor(random() * 2_000), "x", random() < 0.5),
  ])();
}

function post(category: string, body: unknown, authenticated: boolean, contentType = "application/json"): BadRequest {
  return { category, method: "POST", contentType, body: typeof body === "string" ? body : JSON.stringify(body), authenticated };
}

const representationsQuery = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } ... on Company { id } } }";

function badRepresentation(random: () => number, validIds: string[]): unknown {
  return pick(random, [
    () => oddString(random),
    () => Math.floor(random() * 1e6),
    () => random() < 0.5,
    () => [{ __typename: "User", id: pick(random, validIds) }],
    () => ({ id: pick(random, validIds) }),
    () => ({ __typename: pick(random, ["Nope", "Query", "Mutation", "_Service", "PageInfo", "String", "", oddString(random)]), id: pick(random, validIds) }),
    () => ({ __typename: pick(random, [1, null, true, {}, []]), id: pick(random, validIds) }),
    () => ({ __typename: pick(random, ["User", "Company"]), id: wrongTyped(random) }),
    () => ({ __typename: pick(random, ["User", "Company"]), id: pick(random, [null, undefined, 7, [], {}]) }),
    () => ({ __typename: pick(random, ["User", "Company"]), id: oddString(random) }),
    () => ({ __typename: pick(random, ["User", "Company"]) }),
  ])();
}

function generateOne(random: () => number, validIds: string[]): BadRequest {
  const authenticated = random() < 0.5;
  const operation = pick(random, operations);
  const variablesWith = (value: () => unknown) => Object.fromEntries(operation.variables.map((name) => [name, value()]));
  switch (Math.floor(random() * 8)) {
    case 0: {
      const valid = JSON.stringify({ query: operation.document, variables: variablesWith(() => "x") });
      return post("malformed JSON", pick(random, [
        valid.slice(0, Math.floor(random() * valid.length)),
        valid.replace(/"/g, "'"),
        `${valid},`,
        "\u0000\u00ff\ufffe",
        "[",
        "[]",
        "null",
        "42",
        '"query"',
        '{"query": }',
        valid.replace(":", ": NaN,"),
      ]), authenticated);
    }
    case 1: {
      const contentType = pick(random, ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/graphql", "", "*/*", "application/json; x=\u00e9"]);
      const body = random() < 0.5 ? JSON.stringify({ query: operation.document }) : `query=${encodeURIComponent(operation.document)}`;
      return post("wrong content type", body, authenticated, contentType);
    }
    case 2:
      return post("wrong variable types", { query: operation.document, variables: variablesWith(() => wrongTyped(random)) }, authenticated);
    case 3:
      return post("huge and nested values", pick(random, [
        () => ({ query: operation.document, variables: variablesWith(() => "z".repeat(200_000 + Math.floor(random() * 600_000))) }),
        () => ({ query: operation.document, variables: nested(500 + Math.floor(random() * 3_000), "x", random() < 0.5) }),
        () => ({ query: nested(1_000, operation.document, random() < 0.5) }),
        () => ({ query: `{ ${"user(id: \"x\") { id } ".repeat(200 + Math.floor(random() * 2_000))} }` }),
        () => ({ query: `{ ${"__typename ".repeat(3_000)} }` }),
        () => ({ query: `query { user(id: "${"[".repeat(5_000)}") { id } }` }),
      ])(), authenticated);
    case 4:
    case 5:
      // Some real ids, so the odd strings also reach the writes behind them.
      return post("odd strings in arguments", { query: operation.document, variables: variablesWith(() => (random() < 0.25 ? pick(random, validIds) : oddString(random))) }, authenticated);
    case 6: {
      const representations = Array.from({ length: 1 + Math.floor(random() * 3) }, () => badRepresentation(random, validIds));
      return post("malformed entity representations", { query: representationsQuery, variables: { r: random() < 0.2 ? representations[0] : representations } }, authenticated);
    }
    default: {
      const hash = pick(random, [
        createHash("sha256").update(`${operation.document} `).digest("hex"),
        createHash("sha256").update(oddString(random)).digest("hex"),
        oddString(random),
        "0".repeat(64),
      ]);
      const persistedQuery = { version: pick(random, [1, 2, "1", null]), sha256Hash: random() < 0.9 ? hash : Math.floor(random() * 100) };
      if (random() < 0.3) {
        const search = `?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery }))}&query=${encodeURIComponent(operation.document)}`;
        return { category: "persisted-query hash", method: "GET", search, authenticated };
      }
      return post("persisted-query hash", { query: operation.document, variables: variablesWith(() => "x"), extensions: { persistedQuery } }, authenticated);
    }
  }
}

/** `count` bad requests, the same ones for the same seed. */
export function generateBadRequests(seed: number, count: number, validIds: string[]): BadRequest[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => generateOne(random, validIds));
}
