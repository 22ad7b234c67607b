import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { LoginRiskPolicy } from "./modules/security/login-risk.js";
import type { Limit, RateLimitSettings } from "./platform/rate-limit.js";
import { isAllowedProviderUrl, type OidcProvider } from "./platform/oidc/id-tokens.js";
import type { PaymentSettings } from "./platform/payments/create-payment-provider.js";

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const listOf = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean));
const list = listOf("");
// The OTEL_* variables follow the OpenTelemetry spec: an empty value counts as unset.
const otelText = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema);
const otelFlag = otelText(z.string().optional()).transform((value) => value?.trim().toLowerCase() === "true");
const otelCount = (fallback: number) => otelText(z.coerce.number().int().min(0).default(fallback));

// Read from the package itself, so `node dist/main.js` (no npm, no npm_package_version) reports it too.
const packageVersion = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

const megabytes = (value: number) => Math.round(value * 1024 * 1024);

/** Parses `points/seconds` (e.g. `10/60`) or `off`. */
function parseLimit(text: string): Limit | undefined {
  if (text.trim() === "off") return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new Error(`"${text}" is not a limit: write points/seconds (e.g. 10/60) or off`);
  return { points: Number(match[1]), durationSeconds: Number(match[2]) };
}

/** Attempts allowed per IP or per account: `points/seconds` (e.g. `10/60`) or `off`. */
const limit = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, context) => {
      try {
        return parseLimit(text);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

const environmentSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  MANAGEMENT_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  MANAGEMENT_HOST: z.string().min(1).optional(),
  METRICS_MAX_OPERATION_NAMES: z.coerce.number().int().min(0).default(200),
  HEALTH_FIGURES_TTL_SECONDS: z.coerce.number().min(0).default(5),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  FEDERATED_TRACING: z.enum(["true", "false"]).default("true"),
  OTEL_SDK_DISABLED: otelFlag,
  OTEL_TRACES_EXPORTER: otelText(z.enum(["otlp", "none"], { message: "only otlp (OTLP over HTTP) or none are supported" }).optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: otelText(z.string().url().optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otelText(z.string().url().optional()),
  OTEL_SERVICE_NAME: otelText(z.string().min(1).default("user-management")),
  OTEL_BSP_SCHEDULE_DELAY: otelCount(5000),
  OTEL_BSP_EXPORT_TIMEOUT: otelCount(30_000),
  OTEL_BSP_MAX_QUEUE_SIZE: otelCount(2048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: otelCount(512),
  SERVICE_VERSION: z.string().default(packageVersion),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  DATABASE_MIGRATE_ON_START: z.enum(["true", "false"]).default("true"),
  REDIS_URL: z.string().url().optional(),
  REDIS_NAMESPACE: z.string().regex(/^[A-Za-z0-9:_-]+$/).default("user-management"),
  CACHE_LRU_MAX_ENTRIES: z.coerce.number().int().positive().default(10_000),
  CACHE_LRU_MAX_MB: z.coerce.number().positive().default(32),
  TOKEN_CACHE_MAX_ENTRIES: z.coerce.number().int().positive().default(10_000),
  TOKEN_CACHE_MAX_MB: z.coerce.number().positive().default(16),
  SESSION_GUARD_MAX_ENTRIES: z.coerce.number().int().positive().default(100_000),
  SESSION_GUARD_MAX_MB: z.coerce.number().positive().default(16),
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
  REST_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  INTERNAL_SERVICE_TOKENS: list.refine(
    (entries) => entries.every((entry) => /^[A-Za-z0-9_.-]+:.{32,}$/.test(entry)),
    "must be comma-separated name:token pairs, each token at least 32 characters",
  ),
  TRUSTED_PROXIES: list,
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).optional(),
  GRAPHQL_INTROSPECTION: z.enum(["true", "false"]).optional(),
  GRAPHQL_PLAYGROUND: z.enum(["true", "false"]).optional(),
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
  STEP_UP_MAX_AGE_SECONDS: seconds(5 * 60),
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().positive().optional(),
  EMAIL_VERIFICATION_TTL_SECONDS: seconds(24 * 3600),
  EMAIL_CHANGE_TTL_SECONDS: seconds(24 * 3600),
  DNS_SERVERS: list,
  DNS_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  LOGIN_RISK_FAILED_PER_HOUR: z.coerce.number().int().positive().default(5),
  LOGIN_RISK_MAX_SESSIONS: z.coerce.number().int().positive().default(5),
  LOGIN_RISK_MIN_HISTORY: z.coerce.number().int().min(1).default(3),
  LOGIN_RISK_HOUR_SPREAD: z.coerce.number().int().min(0).max(12).default(2),
  LOGIN_RISK_STEP_UP_PATTERNS: z.coerce.number().int().min(1).default(2),
  LOGIN_RISK_LOCK_SCORE: z.coerce.number().min(0).max(1).default(0.8),
  LOGIN_RISK_LOCK_SECONDS: seconds(15 * 60),
  RATE_LIMIT_LOGIN_PER_IP: limit("30/60"),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: limit("10/60"),
  RATE_LIMIT_REGISTER_PER_IP: limit("30/3600"),
  RATE_LIMIT_REGISTER_PER_ACCOUNT: limit("5/3600"),
  RATE_LIMIT_PASSWORD_RESET_PER_IP: limit("20/3600"),
  RATE_LIMIT_PASSWORD_RESET_PER_ACCOUNT: limit("5/3600"),
  RATE_LIMIT_EMAIL_VERIFICATION_PER_IP: limit("30/3600"),
  RATE_LIMIT_EMAIL_VERIFICATION_PER_ACCOUNT: limit("10/3600"),
  RATE_LIMIT_MFA_PER_IP: limit("30/300"),
  RATE_LIMIT_MFA_PER_ACCOUNT: limit("10/300"),
  RATE_LIMIT_REFRESH_PER_IP: limit("120/60"),
  RATE_LIMIT_REFRESH_PER_ACCOUNT: limit("30/60"),
  GOOGLE_CLIENT_ID: list,
  GOOGLE_ISSUER: listOf("https://accounts.google.com,accounts.google.com"),
  GOOGLE_JWKS_URL: z.string().default("https://www.googleapis.com/oauth2/v3/certs"),
  APPLE_CLIENT_ID: list,
  APPLE_ISSUER: listOf("https://appleid.apple.com"),
  APPLE_JWKS_URL: z.string().default("https://appleid.apple.com/auth/keys"),
  OIDC_JWKS_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  PAYMENT_PROVIDER: z.enum(["development", "http", "test"]).default("development"),
  PAYMENT_API_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), "must be http://… or https://…")
    .optional(),
  PAYMENT_API_KEY: z.string().min(1).optional(),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  PAYMENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  PAYMENT_RETRY_BASE_MS: z.coerce.number().int().min(0).default(200),
  PAYMENT_CIRCUIT_FAILURES: z.coerce.number().int().min(1).default(5),
  PAYMENT_CIRCUIT_COOLDOWN_MS: z.coerce.number().int().positive().default(30_000),
  DATA_RETENTION_DEFAULT_DAYS: z.coerce.number().int().min(1).default(365),
  RETENTION_JOB_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  BILLING_CURRENCY: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code in capitals, e.g. USD").default("USD"),
  OUTBOX_PUBLISH_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().max(10_000).default(100),
  OUTBOX_STREAM_MAX_LENGTH: z.coerce.number().int().min(0).default(1_000_000),
  OUTBOX_BACKLOG_WARNING_ROWS: z.coerce.number().int().positive().default(10_000),
  BILLING_ENTERPRISE_SEATS: z.coerce.number().int().positive().default(1000),
  SUBSCRIPTION_CLAIM_TIMEOUT_SECONDS: seconds(300),
  SUBSCRIPTION_ROLLOVER_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  SUBSCRIPTION_GRACE_DAYS: z.coerce.number().int().min(0).default(7),
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
  if (env.MANAGEMENT_PORT !== 0 && env.MANAGEMENT_PORT === env.PORT) {
    throw new Error(`Invalid configuration:\n  MANAGEMENT_PORT: must differ from PORT (${env.PORT}); 0 turns the management port off`);
  }
  const isProduction = env.NODE_ENV === "production";
  return {
    env: env.NODE_ENV,
    isProduction,
    service: { name: "user-management", version: env.SERVICE_VERSION },
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      trustedProxies: env.TRUSTED_PROXIES,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      // Long enough for load balancers polling readiness every few seconds to stop sending.
      shutdownDrainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS ?? (isProduction ? 5_000 : 0),
    },
    management: { port: env.MANAGEMENT_PORT, host: env.MANAGEMENT_HOST ?? env.HOST, enabled: env.MANAGEMENT_PORT !== 0 },
    metrics: { maxOperationNames: env.METRICS_MAX_OPERATION_NAMES },
    health: { figuresTtlMs: env.HEALTH_FIGURES_TTL_SECONDS * 1000 },
    rest: {
      bodyLimitBytes: env.REST_BODY_LIMIT_BYTES,
      serviceTokens: env.INTERNAL_SERVICE_TOKENS.map((entry) => ({ name: entry.slice(0, entry.indexOf(":")), token: entry.slice(entry.indexOf(":") + 1) })),
    },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    telemetry: telemetrySettings(env),
    dataDir: path.resolve(env.DATA_DIR),
    database: env.DATABASE_URL
      ? {
          kind: "postgres" as const,
          url: env.DATABASE_URL,
          schema: env.DATABASE_SCHEMA,
          poolSize: env.DATABASE_POOL_SIZE,
          connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
        }
      : { kind: "pglite" as const, directory: path.resolve(env.DATA_DIR, "pglite") },
    /** Whether the server applies pending PostgreSQL migrations at start (the embedded database always is). */
    migrateOnStart: env.DATABASE_MIGRATE_ON_START === "true",
    redis: env.REDIS_URL ? { url: env.REDIS_URL, namespace: env.REDIS_NAMESPACE } : undefined,
    /** Bounds of the in-process LRUs, each by entries and by estimated bytes. */
    memory: {
      cache: { maxEntries: env.CACHE_LRU_MAX_ENTRIES, maxBytes: megabytes(env.CACHE_LRU_MAX_MB) },
      verifiedTokens: { maxEntries: env.TOKEN_CACHE_MAX_ENTRIES, maxBytes: megabytes(env.TOKEN_CACHE_MAX_MB) },
      sessionGuard: { maxEntries: env.SESSION_GUARD_MAX_ENTRIES, maxBytes: megabytes(env.SESSION_GUARD_MAX_MB) },
    },
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
    sso: {
      google: socialProvider("GOOGLE", env.GOOGLE_CLIENT_ID, env.GOOGLE_ISSUER, env.GOOGLE_JWKS_URL, isProduction),
      apple: socialProvider("APPLE", env.APPLE_CLIENT_ID, env.APPLE_ISSUER, env.APPLE_JWKS_URL, isProduction),
      jwksTimeoutMs: env.OIDC_JWKS_TIMEOUT_MS,
    },
    billing: {
      currency: env.BILLING_CURRENCY,
      enterpriseSeatsDefault: env.BILLING_ENTERPRISE_SEATS,
      /** A charge claimed this long ago and never finished (a crashed replica) no longer blocks changes. */
      claimTimeoutSeconds: env.SUBSCRIPTION_CLAIM_TIMEOUT_SECONDS,
      rollover: { intervalSeconds: env.SUBSCRIPTION_ROLLOVER_INTERVAL_SECONDS, graceSeconds: env.SUBSCRIPTION_GRACE_DAYS * 86_400, batchSize: 500 },
    },
    secretEncryptionKey: env.SECRET_ENCRYPTION_KEY,
    operators: { userIds: env.PLATFORM_OPERATOR_IDS.map((id) => id.toLowerCase()) },
    passwordHashConcurrency: env.PASSWORD_HASH_CONCURRENCY,
    lockout: {
      threshold: env.LOCKOUT_THRESHOLD,
      windowSeconds: env.LOCKOUT_WINDOW_SECONDS,
      baseSeconds: env.LOCKOUT_BASE_SECONDS,
      maxSeconds: env.LOCKOUT_MAX_SECONDS,
    },
    rateLimits: {
      login: { perIp: env.RATE_LIMIT_LOGIN_PER_IP, perAccount: env.RATE_LIMIT_LOGIN_PER_ACCOUNT },
      register: { perIp: env.RATE_LIMIT_REGISTER_PER_IP, perAccount: env.RATE_LIMIT_REGISTER_PER_ACCOUNT },
      passwordReset: { perIp: env.RATE_LIMIT_PASSWORD_RESET_PER_IP, perAccount: env.RATE_LIMIT_PASSWORD_RESET_PER_ACCOUNT },
      emailVerification: { perIp: env.RATE_LIMIT_EMAIL_VERIFICATION_PER_IP, perAccount: env.RATE_LIMIT_EMAIL_VERIFICATION_PER_ACCOUNT },
      mfa: { perIp: env.RATE_LIMIT_MFA_PER_IP, perAccount: env.RATE_LIMIT_MFA_PER_ACCOUNT },
      refresh: { perIp: env.RATE_LIMIT_REFRESH_PER_IP, perAccount: env.RATE_LIMIT_REFRESH_PER_ACCOUNT },
    } satisfies RateLimitSettings,
    loginRisk: {
      failedLoginsPerHour: env.LOGIN_RISK_FAILED_PER_HOUR,
      maxActiveSessions: env.LOGIN_RISK_MAX_SESSIONS,
      minHistory: env.LOGIN_RISK_MIN_HISTORY,
      usualHourSpread: env.LOGIN_RISK_HOUR_SPREAD,
      stepUpPatterns: env.LOGIN_RISK_STEP_UP_PATTERNS,
      lockScore: env.LOGIN_RISK_LOCK_SCORE,
      lockSeconds: env.LOGIN_RISK_LOCK_SECONDS,
    } satisfies LoginRiskPolicy,
    mfa: { issuer: env.MFA_ISSUER, challengeTtlSeconds: env.MFA_CHALLENGE_TTL_SECONDS, stepUpMaxAgeSeconds: env.STEP_UP_MAX_AGE_SECONDS },
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
    outbox: {
      publishIntervalMs: env.OUTBOX_PUBLISH_INTERVAL_MS,
      batchSize: env.OUTBOX_BATCH_SIZE,
      streamMaxLength: env.OUTBOX_STREAM_MAX_LENGTH,
      backlogWarningRows: env.OUTBOX_BACKLOG_WARNING_ROWS,
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === "true" : env.NODE_ENV !== "production",
      playground: env.GRAPHQL_PLAYGROUND ? env.GRAPHQL_PLAYGROUND === "true" : env.NODE_ENV !== "production",
      limits: {
        maxDepth: env.GRAPHQL_MAX_DEPTH,
        maxCost: env.GRAPHQL_MAX_COST,
        maxAliases: env.GRAPHQL_MAX_ALIASES,
        maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
        maxTokens: env.GRAPHQL_MAX_TOKENS,
      },
      fieldSuggestions: env.NODE_ENV !== "production",
      federatedTracing: env.FEDERATED_TRACING === "true",
    },
    payments: paymentSettings(env, isProduction),
    retention: { defaultDays: env.DATA_RETENTION_DEFAULT_DAYS, jobIntervalSeconds: env.RETENTION_JOB_INTERVAL_SECONDS },
  };
}

export type Config = ReturnType<typeof loadConfig>;

/** A sign-in provider from config; without a client id it is off (registration answers UNSUPPORTED_REGISTRATION_TYPE). */
function socialProvider(name: string, clientIds: string[], issuers: string[], jwksUrl: string, isProduction: boolean): OidcProvider | null {
  if (clientIds.length === 0) return null;
  if (issuers.length === 0) throw new Error(`Invalid configuration:\n  ${name}_ISSUER: needs at least one issuer`);
  if (!isAllowedProviderUrl(jwksUrl, isProduction)) {
    throw new Error(`Invalid configuration:\n  ${name}_JWKS_URL: must be an https URL (http only to loopback outside production)`);
  }
  return { issuers, jwksUrl, clientIds };
}

/** Where charges go; the http provider needs its URL and key, and production takes real payments only. */
function paymentSettings(env: z.infer<typeof environmentSchema>, isProduction: boolean): PaymentSettings {
  const problems: string[] = [];
  if (isProduction && env.PAYMENT_PROVIDER !== "http") {
    problems.push(`PAYMENT_PROVIDER: "${env.PAYMENT_PROVIDER}" takes no real payments and is refused in production; set PAYMENT_PROVIDER=http with PAYMENT_API_URL and PAYMENT_API_KEY`);
  }
  if (env.PAYMENT_PROVIDER === "http") {
    if (!env.PAYMENT_API_URL) problems.push("PAYMENT_API_URL: required when PAYMENT_PROVIDER is http");
    else if (isProduction && !env.PAYMENT_API_URL.startsWith("https://")) problems.push("PAYMENT_API_URL: must be https in production (the API key travels with every request)");
    if (!env.PAYMENT_API_KEY) problems.push("PAYMENT_API_KEY: required when PAYMENT_PROVIDER is http");
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  return {
    provider: env.PAYMENT_PROVIDER,
    apiUrl: env.PAYMENT_API_URL,
    apiKey: env.PAYMENT_API_KEY,
    timeoutMs: env.PAYMENT_TIMEOUT_MS,
    maxAttempts: env.PAYMENT_MAX_ATTEMPTS,
    retryBaseMs: env.PAYMENT_RETRY_BASE_MS,
    circuitFailures: env.PAYMENT_CIRCUIT_FAILURES,
    circuitCooldownMs: env.PAYMENT_CIRCUIT_COOLDOWN_MS,
    currency: env.BILLING_CURRENCY,
  };
}

/** OpenTelemetry tracing: on when the standard variables name an OTLP exporter, unless OTEL_SDK_DISABLED. */
function telemetrySettings(env: z.infer<typeof environmentSchema>) {
  const exporterConfigured = env.OTEL_TRACES_EXPORTER === "otlp" || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  return {
    enabled: !env.OTEL_SDK_DISABLED && env.OTEL_TRACES_EXPORTER !== "none" && exporterConfigured,
    serviceName: env.OTEL_SERVICE_NAME,
    serviceVersion: env.SERVICE_VERSION,
    batch: {
      scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: env.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    },
  };
}

/** A page of the frontend, relative to its own path, so an app served under /app/ gets /app/<page>. */
function appLink(appUrl: string, page: string): string {
  return new URL(page, appUrl.endsWith("/") ? appUrl : `${appUrl}/`).toString();
}
