import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { print, type DocumentNode } from "graphql";
import type { TestServer } from "./server.js";

/** A real server process (`src/main.ts`, or another entry) on a free loopback port, with a data directory of its own. */
export interface ServerProcess extends Pick<TestServer, "graphql"> {
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the process a signal (SIGTERM begins its shutdown). */
  kill(signal: NodeJS.Signals): void;
  /** Its exit code once it exited (null when a signal ended it). */
  exited: Promise<number | null>;
  /** SIGTERM, waits for the exit, removes its data directory; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** How to run the server: node arguments, and the directory they run in. */
export interface ServerCommand {
  args: string[];
  cwd?: string;
}

const sourceEntry: ServerCommand = { args: ["--import", "tsx", "src/main.ts"] };

export async function startServerProcess(environment: Record<string, string | undefined>, command: ServerCommand = sourceEntry): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-process-"));
  const env = { ...process.env, NODE_ENV: "test", LOG_LEVEL: "info", HOST: "127.0.0.1", PORT: String(port), MANAGEMENT_PORT: "0", DATA_DIR: dataDir, ...environment };
  const child = spawn(process.execPath, command.args, { cwd: command.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const code = await exited;
    await rm(dataDir, { recursive: true, force: true });
    return code;
  };

  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    }
    if (await fetch(`${url}/health/live`).then((response) => response.ok, () => false)) break;
    if (attempt >= 600) {
      await stop();
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    output: () => output,
    kill: (signal) => void child.kill(signal),
    exited,
    stop,
    async graphql(document, variables, options = {}) {
      const query = typeof document === "string" ? document : print(document as DocumentNode);
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: never; errors?: never };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}
