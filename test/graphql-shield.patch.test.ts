import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

// Node 23 removed util.isUndefined; this child removes it on any Node, then runs the rules that called it.
const withoutIsUndefined = `
import module from "node:module";
import util from "node:util";
delete util.isUndefined;
module.syncBuiltinESMExports();
const require = module.createRequire(process.cwd() + "/package.json");
const results = {};
for (const [build, load] of [["esm", () => import("graphql-shield")], ["cjs", async () => require("graphql-shield")]]) {
  try {
    const { allow, deny, chain, race } = await load();
    results[build] = [await chain(allow, allow).resolve({}, {}, {}, {}, {}), await race(deny, allow).resolve({}, {}, {}, {}, {})];
  } catch (error) {
    results[build] = String(error);
  }
}
console.log(JSON.stringify(results));
`;

describe("graphql-shield on a Node.js without util.isUndefined (patches/graphql-shield+7.6.5.patch)", () => {
  it("loads and evaluates chain and race rules from both its ESM and CommonJS builds", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", withoutIsUndefined], { cwd: projectRoot });
    expect(JSON.parse(stdout)).toEqual({ esm: [true, true], cjs: [true, true] });
  });
});
