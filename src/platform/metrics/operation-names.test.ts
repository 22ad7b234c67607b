import { describe, expect, it } from "vitest";
import { OperationNames } from "./operation-names.js";

describe("OperationNames", () => {
  it("keeps the first well-formed names up to the bound; the rest are other, unnamed ones anonymous", () => {
    const names = new OperationNames(2);
    expect(names.labelOf("Me")).toBe("Me");
    expect(names.labelOf(`Q${"x".repeat(64)}`)).toBe("other");
    expect(names.labelOf("not-a-name")).toBe("other");
    expect(names.labelOf("Login")).toBe("Login");
    expect(names.labelOf("Third")).toBe("other");
    expect(names.labelOf("Me")).toBe("Me");
    expect(names.labelOf(null)).toBe("anonymous");
    expect(names.labelOf("")).toBe("anonymous");
  });
});
