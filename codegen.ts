import type { CodegenConfig } from "@graphql-codegen/cli";

/** Typed documents for the end-to-end tests (and any TypeScript client) from the printed subgraph SDL. */
const config: CodegenConfig = {
  schema: "schema/user-management.graphql",
  documents: ["test/**/*.graphql"],
  ignoreNoDocuments: true,
  generates: {
    "test/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { emitLegacyCommonJSImports: false, enumsAsTypes: true, useTypeImports: true, scalars: { DateTime: "string", EmailAddress: "string", JSON: "unknown" } },
    },
  },
};

export default config;
