import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "./server-process.js";

/**
 * The Node.js settings production starts the server with: the literal environment of the Deployment's
 * container (NODE_OPTIONS with the V8 heap limits, MALLOC_ARENA_MAX), which the Dockerfile's ENV repeats.
 */
export function productionNodeEnv(): Record<string, string> {
  const deployment = parse(readFileSync(path.join(repoRoot, "deploy/k8s/deployment.yaml"), "utf8")) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const env = deployment.spec.template.spec.containers[0]!.env ?? [];
  return Object.fromEntries(env.filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value!]));
}
