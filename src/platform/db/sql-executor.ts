import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/** The little the migration runner and the catalog reader need from one database connection. */
export interface SqlExecutor {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of any number of statements, without parameters. */
  exec(script: string): Promise<void>;
}

/** A single `pg` connection (a Client or a pooled client): session state such as locks stays on it. */
export function pgExecutor(client: pg.ClientBase): SqlExecutor {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
    async exec(script: string) {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await client.query(script);
    },
  };
}

export function pgliteExecutor(database: PGlite): SqlExecutor {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await database.query<Row>(sql, params);
      return result.rows;
    },
    async exec(script: string) {
      await database.exec(script);
    },
  };
}
