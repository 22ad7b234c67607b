import { isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { createSchema } from "../schema.js";
import { permissionRules } from "./shield.js";

describe("permission rules", () => {
  it("name a rule for every field of every object type (nothing relies on the deny fallback by accident)", async () => {
    const { schema } = await createSchema();
    const rules = permissionRules as Record<string, unknown>;
    const uncovered: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      const typeRule = rules[type.name];
      if (typeRule === undefined) {
        uncovered.push(type.name);
        continue;
      }
      if (typeof typeRule === "object" && typeRule !== null && !("resolve" in typeRule)) {
        for (const field of Object.keys(type.getFields())) {
          if (!(field in typeRule)) uncovered.push(`${type.name}.${field}`);
        }
      }
    }
    expect(uncovered).toEqual([]);
  });
});
