// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL, or to the embedded PGlite directory.
import { loadConfig } from "../../config.js";
import { migrateDatabase } from "./database.js";

try {
  const { database } = loadConfig();
  const target = database.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${database.directory}`;
  const applied = await migrateDatabase(database);
  if (applied.length === 0) {
    console.log(`${target}: already up to date.`);
  } else {
    console.log(`${target}: applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join("\n")}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
