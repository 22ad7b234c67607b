import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import packageJson from "../package.json" with { type: "json" };
import { loadConfig } from "../src/config.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const k8sDir = `${projectRoot}deploy/k8s/`;
const read = (file: string) => readFileSync(`${projectRoot}${file}`, "utf8");

// Only the parts of the manifests these checks read.
interface Probe { httpGet: { path: string; port: string } }
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec: { command: string[] } } };
  securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
    restartPolicy?: string;
    securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
    volumes?: { name: string; emptyDir?: object }[];
  };
}
interface Manifest {
  kind: string;
  apiVersion: string;
  metadata: { name: string };
  spec: Record<string, any>;
  data?: Record<string, string>;
}

const kustomization = parse(read("deploy/k8s/kustomization.yaml")) as {
  resources: string[];
  secretGenerator: { name: string; envs: string[] }[];
  images: { name: string }[];
};
const manifests = kustomization.resources.map((file) => parse(read(`deploy/k8s/${file}`)) as Manifest);
const only = (kind: string) => {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};
const deployment = only("Deployment");
const pod = deployment.spec.template as PodTemplate;
const container = pod.spec.containers[0]!;
const job = only("Job");
const jobPod = job.spec.template as PodTemplate;
const configMap = only("ConfigMap");
const service = only("Service");
const secretName = kustomization.secretGenerator[0]!.name;
const exampleSecrets = Object.fromEntries(
  read(`deploy/k8s/${kustomization.secretGenerator[0]!.envs[0]}.example`)
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe("deploy/k8s", () => {
  it("lists every manifest of the directory in kustomization.yaml", () => {
    const files = readdirSync(k8sDir).filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml");
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it("runs 3 replicas, rolling 2 up and 1 down at a time, with the requested resources", () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } });
    expect(container.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } });
    expect(selects(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
  });

  it("probes liveness on /health/live and readiness on /health/ready through the http port 4001", () => {
    expect(container.ports).toEqual([
      { name: "http", containerPort: 4001 },
      { name: "metrics", containerPort: 9464 },
    ]);
    expect(container.livenessProbe?.httpGet).toEqual({ path: "/health/live", port: "http" });
    expect(container.readinessProbe?.httpGet).toEqual({ path: "/health/ready", port: "http" });
    expect(container.startupProbe?.httpGet).toEqual({ path: "/health/live", port: "http" });
  });

  it("gives shutdown the preStop pause plus SHUTDOWN_TIMEOUT_MS before the kill", () => {
    const [command, seconds] = container.lifecycle?.preStop?.exec.command ?? [];
    expect(command).toBe("sleep");
    const shutdownSeconds = Number(configMap.data?.SHUTDOWN_TIMEOUT_MS) / 1000;
    expect(shutdownSeconds).toBeGreaterThan(0);
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + shutdownSeconds);
  });

  it("announces the metrics port to Prometheus and keeps it out of the Service", () => {
    expect(pod.metadata.annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "9464" });
    expect(configMap.data?.MANAGEMENT_PORT).toBe("9464");
    const ports = service.spec.ports as { port: number; targetPort: string | number }[];
    expect(ports.map((port) => port.targetPort)).toEqual(["http"]);
    expect(ports.some((port) => port.port === 9464)).toBe(false);
    expect(selects(service.spec.selector, pod.metadata.labels)).toBe(true);
    expect(selects(service.spec.selector, jobPod.metadata.labels)).toBe(false);
  });

  it("runs the compiled migration command in a Job with the service's image and environment", () => {
    const migrate = jobPod.spec.containers[0]!;
    expect(migrate.command).toEqual(["node", "dist/platform/db/migrate.cli.js"]);
    expect(existsSync(`${projectRoot}src/platform/db/migrate.cli.ts`)).toBe(true);
    expect(migrate.image).toBe(container.image);
    expect(kustomization.images.map((image) => image.name)).toEqual([container.image]);
    expect(migrate.envFrom).toEqual(container.envFrom);
    expect(jobPod.spec.restartPolicy).toBe("Never");
  });

  it("configures production, with migrations left to the Job, and values the config accepts", () => {
    expect(configMap.data).toMatchObject({ NODE_ENV: "production", DATABASE_MIGRATE_ON_START: "false" });
    const config = loadConfig({ ...configMap.data, PAYMENT_API_URL: exampleSecrets.PAYMENT_API_URL, PAYMENT_API_KEY: exampleSecrets.PAYMENT_API_KEY });
    expect(config).toMatchObject({ isProduction: true, migrateOnStart: false, http: { port: 4001 } });
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: secretName } }]);
    expect(Object.keys(exampleSecrets)).toEqual(expect.arrayContaining(["DATABASE_URL", "REDIS_URL", "SECRET_ENCRYPTION_KEY", "PAYMENT_API_KEY"]));
    expect(read(".gitignore")).toContain("deploy/k8s/secrets.env");
  });

  it("runs as a non-root user on a read-only root filesystem with /tmp as an emptyDir", () => {
    for (const spec of [pod.spec, jobPod.spec]) {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      const [only] = spec.containers;
      expect(only!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      const tmp = only!.volumeMounts?.find((mount) => mount.mountPath === "/tmp");
      expect(spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
    }
  });

  it("keeps 2 of 3 pods through disruptions and scales on 70 % CPU between 3 and 10", () => {
    const budget = only("PodDisruptionBudget");
    expect(budget.spec.maxUnavailable ?? 3 - budget.spec.minAvailable).toBe(1);
    expect(selects(budget.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    const autoscaler = only("HorizontalPodAutoscaler");
    expect(autoscaler.apiVersion).toBe("autoscaling/v2");
    expect(autoscaler.spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: deployment.metadata.name },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    });
  });
});

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerInstructions(text: string): { instruction: string; argument: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => ({ instruction: line.split(/\s+/)[0]!.toUpperCase(), argument: line.slice(line.indexOf(" ") + 1).trim() }));
}

describe("Dockerfile", () => {
  const instructions = dockerInstructions(read("Dockerfile"));
  const stageStarts = instructions.flatMap((entry, index) => (entry.instruction === "FROM" ? [index] : []));
  const runtime = instructions.slice(stageStarts.at(-1));
  const argumentsOf = (instruction: string) => runtime.filter((entry) => entry.instruction === instruction).map((entry) => entry.argument);

  it("builds in one stage and runs from another, both on the Node.js major CI tests", () => {
    expect(stageStarts.length).toBeGreaterThanOrEqual(2);
    const ciMajor = /^readonly PRODUCTION_NODE_MAJOR=(\d+)$/m.exec(read(".ci/run"))?.[1];
    expect(ciMajor).toBeDefined();
    for (const index of stageStarts) expect(instructions[index]!.argument).toMatch(new RegExp(`^node:${ciMajor}-bookworm-slim\\b`));
    expect(packageJson.engines.node).toContain(`^${ciMajor}.`);
    const build = instructions.slice(stageStarts[0], stageStarts.at(-1));
    expect(build.some((entry) => entry.instruction === "RUN" && /\bnpm ci\b/.test(entry.argument))).toBe(true);
    expect(build.some((entry) => entry.instruction === "RUN" && entry.argument.includes("npm run build"))).toBe(true);
    expect(argumentsOf("COPY")).toContain("--from=build /app/dist ./dist");
  });

  it("copies what the postinstall runs before the build stage's npm ci, and the playground bundle into the image", () => {
    const build = instructions.slice(stageStarts[0], stageStarts.at(-1));
    const install = build.findIndex((entry) => entry.instruction === "RUN" && /\bnpm ci\b/.test(entry.argument));
    const copiedBefore = build.slice(0, install).filter((entry) => entry.instruction === "COPY").map((entry) => entry.argument.split(/\s+/)[0]!);
    const scripts = [...packageJson.scripts.postinstall.matchAll(/\bnode (\S+)/g)].map((match) => match[1]!);
    for (const script of scripts) expect(copiedBefore.some((source) => script === source || script.startsWith(`${source}/`)), script).toBe(true);
    expect(copiedBefore).toContain("patches");
    expect(copiedBefore).toContain("src/playground/browser");
    expect(read(".dockerignore")).toContain("!scripts/build-playground.mjs");
    expect(argumentsOf("COPY")).toContain("--from=build /app/build/playground ./build/playground");
  });

  it("installs production dependencies only, patches them, and runs dist/main.js as the node user", () => {
    const install = argumentsOf("RUN").find((argument) => argument.includes("npm ci"));
    expect(install).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(install).toContain("patch-package");
    expect(argumentsOf("ENV")).toContain("NODE_ENV=production");
    expect(argumentsOf("USER")).toEqual(["node"]);
    expect(argumentsOf("EXPOSE")).toEqual(["4001 9464"]);
    expect(argumentsOf("HEALTHCHECK").join(" ")).toMatch(/CMD \["node", "-e", ".*\/health\/live/);
    expect(JSON.parse(argumentsOf("CMD").at(-1)!)).toEqual(["node", "dist/main.js"]);
  });

  it("starts Node.js with the Deployment's heap limits and malloc arenas, under its memory limit", () => {
    const containerEnv = Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry.value]));
    const imageEnv = Object.fromEntries(argumentsOf("ENV").map((argument) => [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1).replace(/^"(.*)"$/, "$1")]));
    expect(imageEnv).toMatchObject({ NODE_OPTIONS: containerEnv.NODE_OPTIONS, MALLOC_ARENA_MAX: containerEnv.MALLOC_ARENA_MAX, LD_PRELOAD: containerEnv.LD_PRELOAD, MALLOC_CONF: containerEnv.MALLOC_CONF });
    // jemalloc is preloaded from the path the image links it to, installed in the runtime stage.
    expect(argumentsOf("RUN").some((argument) => argument.includes("apt-get install -y --no-install-recommends libjemalloc2") && argument.includes(containerEnv.LD_PRELOAD!))).toBe(true);
    expect(containerEnv.MALLOC_CONF).toMatch(/background_thread:true/);
    const oldSpaceMb = Number(/--max-old-space-size=(\d+)/.exec(containerEnv.NODE_OPTIONS ?? "")?.[1]);
    const semiSpaceMb = Number(/--max-semi-space-size=(\d+)/.exec(containerEnv.NODE_OPTIONS ?? "")?.[1]);
    expect(semiSpaceMb).toBeGreaterThan(0);
    expect(semiSpaceMb).toBeLessThanOrEqual(8);
    const limitMb = Number(/^(\d+)Gi$/.exec(container.resources.limits.memory ?? "")?.[1]) * 1024;
    expect(oldSpaceMb + 3 * semiSpaceMb).toBeLessThanOrEqual(limitMb * 0.75);
    // The caches' default byte bounds (LRU, verified tokens, four session-guard tables) must fit in the old generation.
    const { memory } = loadConfig({});
    const cacheMb = (memory.cache.maxBytes + memory.verifiedTokens.maxBytes + 4 * memory.sessionGuard.maxBytes) / 1024 / 1024;
    expect(oldSpaceMb).toBeGreaterThanOrEqual(2 * cacheMb + 100);
  });
});
