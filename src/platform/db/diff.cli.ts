// Offline, no engine binary: Prisma's Wasm schema engine replays the migrations into an in-memory PGlite shadow database and diffs that against prisma/schema.prisma.
import path from "node:path";
import { migrationsDirectory } from "./migrations.js";
import { writeNextMigration } from "./next-migration.js";

const name = process.argv.slice(2).join(" ").trim();
if (!name) {
  console.error("Usage: npm run db:diff -- <migration name>");
  process.exit(2);
}

try {
  const written = await writeNextMigration({ name, migrationsDirectory });
  if (written) {
    console.log(`Wrote ${path.relative(process.cwd(), written.file)}:\n\n${written.sql}`);
  } else {
    console.log("No changes: the migrations already match prisma/schema.prisma.");
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
