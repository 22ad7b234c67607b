import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "./server-process.js";

/**
 * The Node.js settings production starts the server with: the literal environment of the Deployment's
 * container (NODE_OPTIONS with the V8 heap limits, malloc settings, jemalloc preloaded), which the
 * Dockerfile's ENV repeats. The image links jemalloc to /usr/local/lib; here it is looked for where
 * Debian's libjemalloc2 puts it, and left out (the report then shows no LD_PRELOAD) when not installed.
 */
export function productionNodeEnv(): Record<string, string> {
  const deployment = parse(readFileSync(path.join(repoRoot, "deploy/k8s/deployment.yaml"), "utf8")) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const declared = deployment.spec.template.spec.containers[0]!.env ?? [];
  const env = Object.fromEntries(declared.filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value!]));
  if (env.LD_PRELOAD) {
    const local = localLibrary(path.basename(env.LD_PRELOAD), env.LD_PRELOAD);
    if (local) env.LD_PRELOAD = local;
    else delete env.LD_PRELOAD;
  }
  return env;
}

function localLibrary(name: string, imagePath: string): string | undefined {
  const multiarch = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu`;
  return [imagePath, `/usr/lib/${multiarch}/${name}`, `/lib/${multiarch}/${name}`].find((candidate) => existsSync(candidate));
}

/** Settings as a report line shows them: `NAME="value"` pairs, or a plain phrase when there are none. */
export function describeNodeEnv(env: Record<string, string>): string {
  return Object.entries(env).map(([name, value]) => `${name}="${value}"`).join(" ") || "no Node.js settings";
}
