import path from "node:path";
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const list = z
  .string()
  .default("")
  .transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean));

const environmentSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SERVICE_VERSION: z.string().default(process.env.npm_package_version ?? "0.0.0"),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  REDIS_URL: z.string().url().optional(),
  REDIS_NAMESPACE: z.string().regex(/^[A-Za-z0-9:_-]+$/).default("user-management"),
  JWT_ISSUER: z.string().min(1).default("urn:trading-platform:user-management"),
  JWT_AUDIENCE: z.string().min(1).default("urn:trading-platform"),
  JWT_SIGNING_KEYS: z.string().optional(),
  // Default: the JWKS Cache-Control max-age, so verifiers caching the JWKS hold a new key before it signs.
  JWT_KEY_ACTIVATION_DELAY_SECONDS: z.coerce.number().int().min(0).default(300),
  JWT_KEYS_RELOAD_SECONDS: seconds(60),
  ACCESS_TOKEN_TTL_SECONDS: seconds(3600),
  REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  REFRESH_REUSE_GRACE_SECONDS: seconds(10),
  SESSION_IDLE_TIMEOUT_SECONDS: seconds(7 * 24 * 3600),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: seconds(30 * 24 * 3600),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  TRUSTED_PROXIES: list,
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  GRAPHQL_INTROSPECTION: z.enum(["true", "false"]).optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(5000),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(15),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(2000),
  PUBLIC_APP_URL: z.string().url().default("http://localhost:3000"),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be smtp://… or smtps://…").optional(),
  SMTP_REQUIRE_TLS: z.enum(["true", "false"]).default("false"),
  MAIL_FROM: z.string().min(3).default("Trading Platform <no-reply@localhost>"),
  INVITATION_TTL_SECONDS: seconds(7 * 24 * 3600),
  PASSWORD_RESET_TTL_SECONDS: seconds(30 * 60),
  SECRET_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, "must be base64 of 32 random bytes")
    .optional(),
  MFA_ISSUER: z.string().min(1).default("Trading Platform"),
  PLATFORM_OPERATOR_IDS: list,
  LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).default(5),
  LOCKOUT_WINDOW_SECONDS: seconds(15 * 60),
  LOCKOUT_BASE_SECONDS: seconds(5 * 60),
  LOCKOUT_MAX_SECONDS: seconds(24 * 3600),
  MFA_CHALLENGE_TTL_SECONDS: seconds(5 * 60),
  EMAIL_VERIFICATION_TTL_SECONDS: seconds(24 * 3600),
  EMAIL_CHANGE_TTL_SECONDS: seconds(24 * 3600),
  DNS_SERVERS: list,
  DNS_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
});

/** Environment variables the config reads, by name. */
export type Environment = Partial<Record<keyof z.input<typeof environmentSchema>, string>>;

/** Reads and validates the process environment into the one typed config object. */
export function loadConfig(environment: Record<string, string | undefined> = process.env) {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === "production",
    service: { name: "user-management", version: env.SERVICE_VERSION },
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      trustedProxies: env.TRUSTED_PROXIES,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    log: { level: env.LOG_LEVEL },
    dataDir: path.resolve(env.DATA_DIR),
    database: env.DATABASE_URL
      ? { kind: "postgres" as const, url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, poolSize: env.DATABASE_POOL_SIZE }
      : { kind: "pglite" as const, directory: path.resolve(env.DATA_DIR, "pglite") },
    redis: env.REDIS_URL ? { url: env.REDIS_URL, namespace: env.REDIS_NAMESPACE } : undefined,
    tokens: {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      signingKeys: env.JWT_SIGNING_KEYS,
      keyActivationDelaySeconds: env.JWT_KEY_ACTIVATION_DELAY_SECONDS,
      keysReloadIntervalMs: env.JWT_KEYS_RELOAD_SECONDS * 1000,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
    },
    sessions: {
      idleTimeoutSeconds: env.SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: env.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
    },
    mail: {
      smtpUrl: env.SMTP_URL,
      requireTls: env.SMTP_REQUIRE_TLS === "true",
      from: env.MAIL_FROM,
      filesDir: path.resolve(env.DATA_DIR, "mail"),
    },
    invitations: {
      ttlSeconds: env.INVITATION_TTL_SECONDS,
      acceptUrl: appLink(env.PUBLIC_APP_URL, "invitations/accept"),
    },
    dns: { servers: env.DNS_SERVERS, timeoutMs: env.DNS_TIMEOUT_MS },
    secretEncryptionKey: env.SECRET_ENCRYPTION_KEY,
    operators: { userIds: env.PLATFORM_OPERATOR_IDS.map((id) => id.toLowerCase()) },
    lockout: {
      threshold: env.LOCKOUT_THRESHOLD,
      windowSeconds: env.LOCKOUT_WINDOW_SECONDS,
      baseSeconds: env.LOCKOUT_BASE_SECONDS,
      maxSeconds: env.LOCKOUT_MAX_SECONDS,
    },
    mfa: { issuer: env.MFA_ISSUER, challengeTtlSeconds: env.MFA_CHALLENGE_TTL_SECONDS },
    account: {
      passwordResetTtlSeconds: env.PASSWORD_RESET_TTL_SECONDS,
      emailVerificationTtlSeconds: env.EMAIL_VERIFICATION_TTL_SECONDS,
      emailChangeTtlSeconds: env.EMAIL_CHANGE_TTL_SECONDS,
      links: {
        verifyEmail: appLink(env.PUBLIC_APP_URL, "verify-email"),
        resetPassword: appLink(env.PUBLIC_APP_URL, "reset-password"),
        confirmEmailChange: appLink(env.PUBLIC_APP_URL, "confirm-email-change"),
      },
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === "true" : env.NODE_ENV !== "production",
      limits: {
        maxDepth: env.GRAPHQL_MAX_DEPTH,
        maxCost: env.GRAPHQL_MAX_COST,
        maxAliases: env.GRAPHQL_MAX_ALIASES,
        maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
        maxTokens: env.GRAPHQL_MAX_TOKENS,
      },
      fieldSuggestions: env.NODE_ENV !== "production",
    },
  };
}

export type Config = ReturnType<typeof loadConfig>;

/** A page of the frontend, relative to its own path, so an app served under /app/ gets /app/<page>. */
function appLink(appUrl: string, page: string): string {
  return new URL(page, appUrl.endsWith("/") ? appUrl : `${appUrl}/`).toString();
}
