import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { printSubgraphSdl } from "../src/schema.js";

describe("schema/user-management.graphql", () => {
  it("matches what the code prints (run `npm run schema:print` after changing a type)", async () => {
    const checkedIn = await readFile(new URL("../schema/user-management.graphql", import.meta.url), "utf8");
    expect(checkedIn).toBe(await printSubgraphSdl());
  });
});
