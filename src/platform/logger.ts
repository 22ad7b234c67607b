import { createRequire } from "node:module";
import { pino, type Logger } from "pino";
import { currentCorrelationId } from "./correlation.js";

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

export type LogFormat = "json" | "pretty";

/** JSON always in production; else `LOG_FORMAT` when set; else pretty for a development terminal. */
export function chooseLogFormat(options: { env: string; requested: LogFormat | undefined; stdoutIsTty: boolean }): LogFormat {
  if (options.env === "production") return "json";
  if (options.requested) return options.requested;
  return options.env === "development" && options.stdoutIsTty ? "pretty" : "json";
}

/**
 * The one logger of the process; requests get children carrying their correlation id, and lines
 * written on behalf of a request or job run by any other logger get it from the correlation scope.
 * `pretty` writes through pino-pretty to `destination` (a stream; stdout by default).
 */
export function createLogger(options: { level: string; destination?: pino.DestinationStream; format?: LogFormat }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "user-management" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: correlationOfScope,
    },
    options.format === "pretty" ? (prettyStream(options.destination) ?? options.destination) : options.destination,
  );
}

function correlationOfScope(_fields: object, _level: number, logger: Logger): object {
  const correlationId = currentCorrelationId();
  if (correlationId === undefined) return {};
  // A request's own logger already binds it.
  const bound = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? "";
  return bound.includes('"correlationId":') ? {} : { correlationId };
}

/** pino-pretty (a devDependency) when it can be loaded; undefined (so JSON) otherwise. */
function prettyStream(destination: pino.DestinationStream | undefined): pino.DestinationStream | undefined {
  try {
    const pretty = createRequire(import.meta.url)("pino-pretty") as (options: object) => pino.DestinationStream;
    return pretty({ destination: destination ?? 1, colorize: destination === undefined, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" });
  } catch {
    return undefined;
  }
}
