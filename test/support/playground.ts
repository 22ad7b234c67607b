import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { PlaygroundManifest } from "../../src/playground/playground-page.js";
import { playgroundBundleDirectory } from "../../src/playground/playground.routes.js";

export const chromiumPath = "/usr/bin/chromium";

/** Flags for a headless Chromium on a machine without internet: no background connections that would fail. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function assertChromiumInstalled(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is not installed at ${chromiumPath}: apt-get install -y chromium (bash .ci/run installs it)`);
  }
}

/** The built playground's manifest; fails with the command to run when the bundle is missing. */
export async function builtPlaygroundManifest(): Promise<PlaygroundManifest> {
  const file = path.join(playgroundBundleDirectory, "manifest.json");
  if (!existsSync(file)) throw new Error(`The playground is not built (${file} is missing): run npm run build:playground`);
  return JSON.parse(await readFile(file, "utf8")) as PlaygroundManifest;
}
