import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { composeWithOrders } from "../examples/gateway/compose.js";

describe("federation composition", () => {
  it("composes with another subgraph that references User and extends Company by key", async () => {
    const sdl = await readFile(new URL("../schema/user-management.graphql", import.meta.url), "utf8");
    const { errors, supergraphSdl } = composeWithOrders(sdl);
    expect(errors).toEqual([]);
    expect(supergraphSdl).toMatch(/type User[\s\S]*fullName: String!/);
    expect(supergraphSdl).toMatch(/type Company[\s\S]*orders: \[Order!\]/);
  });
});
