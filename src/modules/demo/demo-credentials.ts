import { demoPassword, type SeedReport } from "./demo-data.js";

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}

/** What `npm run db:seed` prints: the accounts to sign in with, the pending invitations, and the login mutation. */
export function formatDemoCredentials(report: SeedReport, playgroundUrl: string): string {
  const people = report.companies.flatMap((company) =>
    company.people.map((who) => [who.email, who.fullName, who.role, company.name, company.tier]),
  );
  const invitations = report.companies.flatMap((company) =>
    company.pendingInvitations.map((invited) => [invited.email, invited.role, company.name]),
  );
  const someone = report.companies[0]?.people[1] ?? report.companies[0]?.people[0];
  return [
    report.changes.length ? `Seeded the demo data (${report.changes.length} changes).` : "Demo data already seeded; nothing changed.",
    "",
    `Every account's password: ${demoPassword}`,
    "Each account also owns a FREE individual workspace; signing in starts in the company below.",
    "",
    ...table(["email", "name", "role", "company", "tier"], people),
    "",
    "Pending invitations (the codes are in the invitation mails; without SMTP_URL, .eml files under DATA_DIR/mail/):",
    "",
    ...table(["email", "role", "company"], invitations),
    "",
    `Sign in on ${playgroundUrl}, then send the access token as Authorization: Bearer <accessToken>:`,
    "",
    `mutation { login(input: { email: "${someone?.email ?? ""}", password: "${demoPassword}" }) { tokens { accessToken } user { fullName } userErrors { code message } } }`,
    "",
  ].join("\n");
}
