import type { SqlExecutor } from "./sql-executor.js";

/** A database schema flattened to `"<kind> <name>"` → definition, so two databases compare entry by entry. */
export type Catalog = Map<string, string>;

// Column order and enum value order are left out on purpose: Prisma appends added columns and enum
// values, so a migrated database legitimately orders them differently from a freshly created one.
const queries: Array<{ kind: string; sql: string }> = [
  {
    kind: "table",
    sql: `SELECT c.relname AS name, c.relkind::text AS definition
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')`,
  },
  {
    kind: "column",
    sql: `SELECT c.relname || '.' || a.attname AS name,
                 format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
                   || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                   || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
                   || CASE WHEN a.attgenerated <> '' THEN ' GENERATED' ELSE '' END AS definition
          FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  },
  {
    kind: "enum",
    sql: `SELECT t.typname AS name, string_agg(e.enumlabel::text, ', ' ORDER BY e.enumlabel::text) AS definition
          FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = current_schema() GROUP BY t.typname`,
  },
  {
    kind: "index",
    sql: `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
          FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
          WHERE n.nspname = current_schema()`,
  },
  {
    kind: "constraint",
    sql: `SELECT t.relname || '.' || con.conname AS name, pg_get_constraintdef(con.oid) AS definition
          FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = current_schema()`,
  },
  {
    kind: "sequence",
    sql: `SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS definition
          FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema()`,
  },
];

/** The migration history table, its columns, constraints and primary key index. */
const migrationsTable = /^_prisma_migrations($|\.|_pkey$)/;

/** Reads the tables, columns, enums, indexes, constraints and sequences of the current schema. */
export async function readCatalog(executor: SqlExecutor): Promise<Catalog> {
  const catalog: Catalog = new Map();
  for (const { kind, sql } of queries) {
    const rows = await executor.query<{ name: string; definition: string }>(sql);
    for (const row of rows.filter((candidate) => !migrationsTable.test(candidate.name))) {
      catalog.set(`${kind} ${row.name}`, row.definition);
    }
  }
  return catalog;
}

/** Lists every entry that differs between two named catalogs; empty when they agree. */
export function compareCatalogs(
  left: { name: string; catalog: Catalog },
  right: { name: string; catalog: Catalog },
): string[] {
  const keys = [...new Set([...left.catalog.keys(), ...right.catalog.keys()])].sort();
  const differences: string[] = [];
  for (const key of keys) {
    const a = left.catalog.get(key);
    const b = right.catalog.get(key);
    if (a === b) continue;
    if (b === undefined) differences.push(`${key}: only in ${left.name} (${a})`);
    else if (a === undefined) differences.push(`${key}: only in ${right.name} (${b})`);
    else differences.push(`${key}: ${left.name}: ${a}; ${right.name}: ${b}`);
  }
  return differences;
}
