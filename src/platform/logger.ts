import { pino, type Logger } from "pino";

/** Paths whose values are secrets: they never reach a log line. */
export const redactedPaths = [
  "password",
  "*.password",
  "*.*.password",
  "currentPassword",
  "newPassword",
  "*.currentPassword",
  "*.newPassword",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "accessToken",
  "refreshToken",
  "*.accessToken",
  "*.refreshToken",
  "*.*.accessToken",
  "*.*.refreshToken",
  "code",
  "*.code",
  "secret",
  "*.secret",
  "idToken",
  "*.idToken",
  "privateKey",
  "*.privateKey",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "variables",
  "*.variables",
];

export type { Logger };

/** The one logger of the process; requests get children carrying their correlation id. */
export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "user-management" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
