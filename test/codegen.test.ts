import { readFile } from "node:fs/promises";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../codegen.js";

describe("typed documents (test/generated)", () => {
  it("match what codegen.ts produces from the printed schema (run `npm run codegen` after changing either)", async () => {
    const outputs = await generate({ ...config, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(await readFile(output.filename, "utf8"), output.filename).toBe(output.content);
    }
  }, 60_000);
});
