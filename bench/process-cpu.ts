import { readdir, readFile } from "node:fs/promises";

/**
 * Nanoseconds the process has run on a CPU, all its threads together (the scheduler's own account in
 * /proc/<pid>/task/<tid>/schedstat: exact, where /proc/<pid>/stat counts in 10 ms ticks).
 */
export async function processCpuNanos(pid: number): Promise<number> {
  const threads = await readdir(`/proc/${pid}/task`);
  const times = await Promise.all(
    threads.map((tid) =>
      readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").then(
        (text) => Number(text.split(" ", 1)[0]),
        // A thread that ended between the listing and the read.
        () => 0,
      ),
    ),
  );
  return times.reduce((sum, nanos) => sum + nanos, 0);
}

/** Resident memory of the process in bytes (VmRSS of /proc/<pid>/status). */
export async function processRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}
