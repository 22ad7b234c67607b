import { defineConfig } from "prisma/config";

// The CLI only generates the client here; migrations are applied by `npm run db:migrate`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/user_management" },
});
