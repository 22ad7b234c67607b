import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./redis.js";

const run = promisify(execFile);
const binaries = process.env.POSTGRES_BIN_DIR ?? "/usr/lib/postgresql/15/bin";

/** Whether initdb and pg_ctl are installed, for tests that need a PostgreSQL of their own. */
export const privatePostgresAvailable = existsSync(path.join(binaries, "initdb")) && existsSync(path.join(binaries, "pg_ctl"));

/** A PostgreSQL cluster of the test's own in a temp directory on a free loopback port, which it may stop and start again. */
export interface PrivatePostgres {
  /** Connection URL of its `postgres` database (user postgres, trust). */
  url: string;
  port: number;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: open connections are terminated, new ones refused. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the cluster and removes its directory. */
  dispose(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  // initdb refuses to run as root: the cluster then belongs to the postgres OS user, who must reach its
  // directory, and a TMPDIR of root's own (mode 0700, as CI's) would stop it.
  const asRoot = userInfo().uid === 0;
  const directory = await mkdtemp(path.join(asRoot ? "/tmp" : tmpdir(), "private-postgres-"));
  const dataDir = path.join(directory, "data");
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    await chown(directory, Number(stdout.trim()), Number(group.trim()));
  }
  const pgTool = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(binaries, tool), ...args]) : run(path.join(binaries, tool), args);

  let running = false;
  const start = async () => {
    if (running) return;
    const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    await pgTool("pg_ctl", ["start", "-D", dataDir, "-w", "-t", "20", "-l", path.join(directory, "log"), "-o", options]);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    running = false;
    await pgTool("pg_ctl", ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "20"]);
  };

  try {
    await pgTool("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    await start();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async dispose() {
      await stop().catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
