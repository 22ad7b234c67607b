import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const checkedIn = path.join(root, "src/generated/proto");
const run = promisify(execFile);
let scratch: string | undefined;

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
    ),
  );
  return nested.flat().sort();
}

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("generated protobuf code", () => {
  it("matches what `npm run proto:generate` produces from proto/ (regenerate and commit when this fails)", async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "proto-generate-"));
    const bin = path.join(root, "node_modules/.bin");
    // Same template as the npm script; -o redirects its output into the scratch directory.
    await run(path.join(bin, "buf"), ["generate", "--template", "proto/buf.gen.yaml", "-o", scratch], {
      cwd: root,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
    });
    const fresh = path.join(scratch, "src/generated/proto");
    const [expected, actual] = await Promise.all([listFiles(fresh), listFiles(checkedIn)]);
    expect(actual).toEqual(expected);
    expect(expected).toContain("user_management/v1/token_pb.ts");
    for (const file of expected) {
      const [want, have] = await Promise.all([readFile(path.join(fresh, file), "utf8"), readFile(path.join(checkedIn, file), "utf8")]);
      expect(have, `${file} is stale`).toBe(want);
    }
  }, 60_000);
});
