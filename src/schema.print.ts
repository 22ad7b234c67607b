import { writeFile } from "node:fs/promises";
import { printSubgraphSdl } from "./schema.js";

/** Writes the printed subgraph SDL to schema/user-management.graphql (checked in; a test fails if stale). */
export const printedSchemaPath = new URL("../schema/user-management.graphql", import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(printedSchemaPath, await printSubgraphSdl());
  console.log(`wrote ${printedSchemaPath.pathname}`);
}
