import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onCleanup } from "./cleanup.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface ServerProcess {
  name: string;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The management port's base URL (`/metrics`). */
  managementUrl: string;
  /** The child's process id (e.g. for /proc/<pid>/status). */
  pid: number;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  name: string;
  /** Script path relative to the repository root, run with `node --import tsx`. */
  entry: string;
  env: Record<string, string>;
  readyTimeoutMs?: number;
  /** Node options before the entry; default `--import tsx` (give [] for compiled JavaScript). */
  nodeArgs?: string[];
}

const runningChildren = new Set<ChildProcess>();
// Last resort when the bench dies without running its cleanup.
process.on("exit", () => runningChildren.forEach((child) => child.kill("SIGKILL")));

/** Starts a server child on a free loopback port and resolves once GET /health/ready answers 200. */
export async function startServerProcess({ name, entry, env, readyTimeoutMs = 60_000, nodeArgs = ["--import", "tsx"] }: StartServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  // Its own management port: replicas on one machine cannot share the default, and the bench measures with metrics on.
  const managementPort = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: repoRoot,
    env: { ...process.env, MANAGEMENT_PORT: String(managementPort), ...env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  runningChildren.add(child);
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(chunk.toString());
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = once(child, "exit");

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    runningChildren.delete(child);
  };
  onCleanup(stop);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await isReady(url))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready:\n${output.join("").slice(-4000)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} was not ready within ${readyTimeoutMs} ms:\n${output.join("").slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, url, managementUrl: `http://127.0.0.1:${managementPort}`, pid: child.pid!, stop };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
