// Loaded from @prisma/schema-engine-wasm directly: @prisma/migrate's SchemaEngineWasm.setup expects the .wasm in @prisma/internals/build, which the published package lacks.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import * as engineRuntime from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Migration } from "./migrations.js";

type SchemaEngine = engineRuntime.SchemaEngine;

export const noFilters = { externalTables: [], externalEnums: [] };

// Typed here because the project's TypeScript lib settings leave out the WebAssembly global.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmApi };

let engineClass: Promise<typeof engineRuntime.SchemaEngine> | undefined;

function loadEngineClass(): Promise<typeof engineRuntime.SchemaEngine> {
  engineClass ??= (async () => {
    const runtimeFile = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasm = await readFile(path.join(path.dirname(runtimeFile), "schema_engine_bg.wasm"));
    const instance = new wasmApi.Instance(new wasmApi.Module(wasm), { "./schema_engine_bg.js": engineRuntime });
    engineRuntime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return engineRuntime.SchemaEngine;
  })();
  return engineClass;
}

/**
 * Runs `work` with a schema engine connected through `adapter`, or, by default, to a fresh in-memory
 * PGlite that also serves as its shadow database.
 */
export async function withSchemaEngine<T>(
  work: (engine: SchemaEngine) => Promise<T>,
  adapter?: SqlMigrationAwareDriverAdapterFactory,
): Promise<T> {
  if (adapter) return runEngine(work, adapter);
  const scratch = await PGlite.create();
  try {
    return await runEngine(work, selfShadowing(new PrismaPGlite(scratch)));
  } finally {
    await scratch.close();
  }
}

async function runEngine<T>(
  work: (engine: SchemaEngine) => Promise<T>,
  adapter: SqlMigrationAwareDriverAdapterFactory,
): Promise<T> {
  const Engine = await loadEngineClass();
  const engine = await Engine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(adapter));
  try {
    return await work(engine);
  } finally {
    engine.free();
  }
}

// pglite-prisma-adapter would open a new in-memory PGlite per shadow database and never close it.
function selfShadowing(factory: PrismaPGlite): SqlMigrationAwareDriverAdapterFactory {
  factory.connectToShadowDb = () => factory.connect();
  return factory;
}

/** Prisma Migrate's view of a migrations folder, for the engine. */
export function migrationList(migrations: Migration[]) {
  return {
    baseDir: "prisma/migrations",
    lockfile: { path: "migration_lock.toml", content: 'provider = "postgresql"\n' },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: migration.sql } },
    })),
  };
}

/**
 * The SQL that takes a database from `migrations` to `schema` (the text of a schema.prisma), exactly
 * as `prisma migrate dev` would write it; null when they already agree.
 */
export async function diffMigrationsToSchema(migrations: Migration[], schema: string): Promise<string | null> {
  return withSchemaEngine(async (engine) => {
    const result = await engine
      .diff({
        from: { tag: "migrations", ...migrationList(migrations) },
        to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
        script: true,
        exitCode: true,
        filters: noFilters,
      })
      .catch((error: unknown) => {
        throw new Error(`Prisma's schema engine could not diff the migrations against the schema: ${errorMessage(error)}`, {
          cause: error,
        });
      });
    return result.exitCode === 2 ? (result.stdout ?? "") : null;
  });
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "object" ? JSON.stringify(error) : String(error);
}
