import { type GraphQLLoad, type LoadResult, runLoad } from "./http-load.js";
import { isFullMembersPage, membersQuery, seedMembersCompany } from "./members-page.js";
import { accessTokenOf, loginMutation, meQuery, postGraphQL, registerMutation } from "./operations.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

export interface BenchUser {
  email: string;
  password: string;
  fullName: string;
}

export interface HttpPlan {
  warmupSeconds: number;
  saturation: { connections: number; durationSeconds: number };
  /** Lowered to half the members page's saturation throughput when it cannot sustain it. */
  fixedRate: { connections: number; durationSeconds: number; preferredRequestsPerSecond: number };
  login: { connections: number; durationSeconds: number; warmupSeconds: number; meRequestsPerSecond: number };
}

export interface ServerFigures {
  saturation: LoadResult;
  fixedRate: LoadResult;
}

export interface HttpResult {
  login: LoginFigures;
  membersPage: MembersPageFigures;
}

/** Logins at saturation, and `me` at a fixed rate alone and during such a login burst. */
export interface LoginFigures {
  throughput: LoadResult;
  meRequestsPerSecond: number;
  meIdle: LoadResult;
  meDuringLogins: LoadResult;
  loginsDuringMe: LoadResult;
}

/** `company(id) { members(first: 50) … }` on our server, and `me` again at the members page's fixed rate. */
export interface MembersPageFigures extends ServerFigures {
  /** Half of the members page's saturation throughput (at most the `me` fixed rate), so both sustain it. */
  fixedRequestsPerSecond: number;
  meAtSameRate: LoadResult;
}

/** Logins beside `me`, and the members page beside `me`, on one server of ours. */
export async function measureHttp(plan: HttpPlan, user: BenchUser, server: { entry: string; env: Record<string, string> }): Promise<HttpResult> {
  const ours = await startServerProcess({ name: "user-management server", ...server });
  const ownerToken = await register(ours, user);
  const meLoad = { url: ours.url, body: JSON.stringify({ query: meQuery }), headers: { authorization: `Bearer ${ownerToken}` }, isCorrect: (text: string) => text.includes(`"email":"${user.email}"`) };
  await expectCorrect(meLoad);
  const login = await measureLogin(plan, ours, user, meLoad);
  const membersPage = await measureMembersPage(plan, ours, ownerToken, meLoad);
  await ours.stop();
  return { login, membersPage };
}

async function measureMembersPage(plan: HttpPlan, server: ServerProcess, ownerToken: string, meLoad: GraphQLLoad): Promise<MembersPageFigures> {
  const post = (body: string, token?: string) => postGraphQL(server.url, body, token ? { authorization: `Bearer ${token}` } : {});
  const { companyId, token } = await seedMembersCompany(post, ownerToken);
  const load = {
    url: server.url,
    body: JSON.stringify({ query: membersQuery, variables: { id: companyId } }),
    headers: { authorization: `Bearer ${token}` },
    isCorrect: isFullMembersPage,
  };
  await expectCorrect(load);
  const saturation = await measureSaturation(plan, load);
  const fixedRequestsPerSecond = fixedRateFor(plan, saturation.requestsPerSecond);
  return {
    saturation,
    fixedRequestsPerSecond,
    fixedRate: await measureFixedRate(plan, load, fixedRequestsPerSecond),
    meAtSameRate: await measureFixedRate(plan, meLoad, fixedRequestsPerSecond),
  };
}

async function measureSaturation(plan: HttpPlan, load: GraphQLLoad): Promise<LoadResult> {
  await runLoad(load, { connections: plan.saturation.connections, durationSeconds: plan.warmupSeconds });
  return runLoad(load, plan.saturation);
}

async function measureFixedRate(plan: HttpPlan, load: GraphQLLoad, requestsPerSecond: number): Promise<LoadResult> {
  const { connections, durationSeconds } = plan.fixedRate;
  return runLoad(load, { connections, durationSeconds, overallRate: requestsPerSecond });
}

// Above what ours sustains, a fixed-rate run measures its queue, not its latency.
function fixedRateFor(plan: HttpPlan, oursSaturationPerSecond: number): number {
  const halfOfSaturation = Math.max(10, Math.floor(oursSaturationPerSecond / 2 / 10) * 10);
  return Math.min(plan.fixedRate.preferredRequestsPerSecond, halfOfSaturation);
}

async function measureLogin(plan: HttpPlan, server: ServerProcess, user: BenchUser, meLoad: GraphQLLoad): Promise<LoginFigures> {
  const body = JSON.stringify({ query: loginMutation, variables: { input: { email: user.email, password: user.password } } });
  const load = { url: server.url, body, isCorrect: (text: string) => text.includes(`"accessToken":"`) };
  await expectCorrect(load);
  await runLoad(load, { connections: plan.login.connections, durationSeconds: plan.login.warmupSeconds });
  const throughput = await runLoad(load, plan.login);
  const meAtRate = { connections: plan.fixedRate.connections, durationSeconds: plan.login.durationSeconds, overallRate: plan.login.meRequestsPerSecond };
  const meIdle = await runLoad(meLoad, meAtRate);
  const [meDuringLogins, loginsDuringMe] = await Promise.all([runLoad(meLoad, meAtRate), runLoad(load, plan.login)]);
  return { throughput, meRequestsPerSecond: plan.login.meRequestsPerSecond, meIdle, meDuringLogins, loginsDuringMe };
}

async function register(server: ServerProcess, user: BenchUser): Promise<string> {
  const body = JSON.stringify({ query: registerMutation, variables: { input: user } });
  return accessTokenOf(await postGraphQL(server.url, body), "register");
}

async function expectCorrect(load: GraphQLLoad): Promise<void> {
  const response = await fetch(`${load.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...load.headers },
    body: load.body,
  });
  const text = await response.text();
  if (!load.isCorrect(text)) throw new Error(`unexpected answer before measuring (${response.status}): ${text.slice(0, 500)}`);
}
