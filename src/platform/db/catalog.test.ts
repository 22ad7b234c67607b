import { describe, expect, it } from "vitest";
import { type Catalog, compareCatalogs } from "./catalog.js";

const usersCatalog = (): Catalog =>
  new Map([
    ["table users", "r"],
    ["column users.email", "text NOT NULL"],
    ["column users.failed_login_count", "integer NOT NULL DEFAULT 0"],
    ["enum UserStatus", "ACTIVE, DELETED, LOCKED, SUSPENDED"],
    ["constraint users.users_pkey", "PRIMARY KEY (id)"],
  ]);

describe("compareCatalogs", () => {
  it("finds nothing between equal catalogs", () => {
    expect(compareCatalogs({ name: "a", catalog: usersCatalog() }, { name: "b", catalog: usersCatalog() })).toEqual([]);
  });

  it("reports a column whose default differs", () => {
    const changed = usersCatalog().set("column users.failed_login_count", "integer NOT NULL DEFAULT 1");
    expect(compareCatalogs({ name: "schema.prisma", catalog: usersCatalog() }, { name: "migrations", catalog: changed })).toEqual([
      "column users.failed_login_count: schema.prisma: integer NOT NULL DEFAULT 0; migrations: integer NOT NULL DEFAULT 1",
    ]);
  });

  it("reports entries present on one side only, naming that side", () => {
    const extra = usersCatalog().set("index users_email_key", "CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)");
    const missing = usersCatalog();
    missing.delete("enum UserStatus");
    expect(compareCatalogs({ name: "left", catalog: extra }, { name: "right", catalog: missing })).toEqual([
      "enum UserStatus: only in left (ACTIVE, DELETED, LOCKED, SUSPENDED)",
      "index users_email_key: only in left (CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email))",
    ]);
  });
});
