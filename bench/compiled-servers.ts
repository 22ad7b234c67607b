import { execFile } from "node:child_process";
import { copyFile, mkdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { repoRoot } from "./server-process.js";

const run = promisify(execFile);

/** Entry points of the two servers as production runs them: compiled JavaScript, no TypeScript loader. */
export interface CompiledServers {
  ours: string;
  bare: string;
}

/**
 * Compiles our server with `npm run build` into build/bench/ (laid out as the image is: dist/, package.json,
 * prisma/) and the bare baseline with esbuild beside it. tsx would add a module resolution to every
 * `module.require` Apollo makes per request, on both sides, and production does not run it.
 */
export async function compileServers(): Promise<CompiledServers> {
  const root = path.join(repoRoot, "build/bench");
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await run("npm", ["run", "build", "--", "--outDir", path.join(root, "dist")], { cwd: repoRoot });
  await copyFile(path.join(repoRoot, "package.json"), path.join(root, "package.json"));
  await symlink(path.join(repoRoot, "prisma"), path.join(root, "prisma"));
  const bare = path.join(root, "bare-server.mjs");
  await build({ entryPoints: [path.join(repoRoot, "bench/bare-server.ts")], outfile: bare, platform: "node", format: "esm", target: "node20", logLevel: "error" });
  return { ours: path.join(root, "dist/main.js"), bare };
}
