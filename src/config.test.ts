import path from "node:path";
import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { loadConfig } from "./config.js";

const productionPayments = { PAYMENT_PROVIDER: "http", PAYMENT_API_URL: "https://api.payments.example", PAYMENT_API_KEY: "sk_live_example" };

describe("loadConfig", () => {
  it("defaults to the embedded database under .data, port 4001 and a 2 MB body limit", () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4001);
    expect(config.http.bodyLimitBytes).toBe(2 * 1024 * 1024);
    expect(config.database).toEqual({ kind: "pglite", directory: path.resolve(".data", "pglite") });
    expect(config.redis).toBeUndefined();
    expect(config.tokens.accessTokenTtlSeconds).toBe(3600);
    expect(config.tokens.refreshReuseGraceSeconds).toBe(10);
  });

  it("uses PostgreSQL and Redis when their URLs are set", () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://u:p@db:5432/um", REDIS_URL: "redis://cache:6379", TRUSTED_PROXIES: "10.0.0.1, 10.0.0.2" });
    expect(config.database).toMatchObject({ kind: "postgres", url: "postgresql://u:p@db:5432/um" });
    expect(config.redis?.url).toBe("redis://cache:6379");
    expect(config.http.trustedProxies).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("bounds PostgreSQL connects at 5 s and statements at 10 s unless told otherwise", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://db/um" }).database).toMatchObject({ connectTimeoutMs: 5000, statementTimeoutMs: 10_000 });
    const tuned = loadConfig({ DATABASE_URL: "postgresql://db/um", DATABASE_CONNECT_TIMEOUT_MS: "800", DATABASE_STATEMENT_TIMEOUT_MS: "2500" });
    expect(tuned.database).toMatchObject({ connectTimeoutMs: 800, statementTimeoutMs: 2500 });
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: "0" })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
  });

  it("applies migrations at start unless DATABASE_MIGRATE_ON_START is false, and reports the package's version", () => {
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(loadConfig({ DATABASE_MIGRATE_ON_START: "false" }).migrateOnStart).toBe(false);
    expect(() => loadConfig({ DATABASE_MIGRATE_ON_START: "no" })).toThrow(/DATABASE_MIGRATE_ON_START/);
    expect(loadConfig({}).service.version).toBe(packageJson.version);
  });

  it("serves the management port on 9464 of HOST unless told otherwise; 0 turns it off, PORT's number is refused", () => {
    expect(loadConfig({ HOST: "10.0.0.5" }).management).toEqual({ port: 9464, host: "10.0.0.5", enabled: true });
    expect(loadConfig({ MANAGEMENT_PORT: "9000", MANAGEMENT_HOST: "127.0.0.1" }).management).toEqual({ port: 9000, host: "127.0.0.1", enabled: true });
    expect(loadConfig({ MANAGEMENT_PORT: "0" }).management.enabled).toBe(false);
    expect(() => loadConfig({ PORT: "9464" })).toThrow(/MANAGEMENT_PORT: must differ from PORT/);
  });

  it("refuses invalid values with a message naming each variable", () => {
    expect(() => loadConfig({ PORT: "http", DATABASE_URL: "not a url" })).toThrow(/PORT[\s\S]*DATABASE_URL/);
  });

  it("reads rate limits as points/seconds or off, and refuses anything else", () => {
    const config = loadConfig({ RATE_LIMIT_LOGIN_PER_IP: "50/120", RATE_LIMIT_REFRESH_PER_ACCOUNT: "off" });
    expect(config.rateLimits.login).toEqual({ perIp: { points: 50, durationSeconds: 120 }, perAccount: { points: 10, durationSeconds: 60 } });
    expect(config.rateLimits.refresh.perAccount).toBeUndefined();
    expect(() => loadConfig({ RATE_LIMIT_MFA_PER_IP: "ten a minute" })).toThrow(/RATE_LIMIT_MFA_PER_IP: "ten a minute" is not a limit/);
    expect(() => loadConfig({ RATE_LIMIT_MFA_PER_IP: "0/60" })).toThrow(/RATE_LIMIT_MFA_PER_IP/);
  });

  it("turns introspection off in production unless asked for", () => {
    expect(loadConfig({ ...productionPayments, NODE_ENV: "production" }).graphql.introspection).toBe(false);
    expect(loadConfig({ ...productionPayments, NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true" }).graphql.introspection).toBe(true);
  });

  it("drains 5 s before shutting down in production and not at all elsewhere, unless told", () => {
    expect(loadConfig({ ...productionPayments, NODE_ENV: "production" }).http.shutdownDrainDelayMs).toBe(5000);
    expect(loadConfig({}).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ ...productionPayments, NODE_ENV: "production", SHUTDOWN_DRAIN_DELAY_MS: "0" }).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: "1500" }).http.shutdownDrainDelayMs).toBe(1500);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: "-1" })).toThrow(/SHUTDOWN_DRAIN_DELAY_MS/);
  });

  it("links invitations under the app's own path, and mails to .eml files without SMTP", () => {
    expect(loadConfig({ PUBLIC_APP_URL: "https://trade.example.com/app" }).invitations.acceptUrl).toBe("https://trade.example.com/app/invitations/accept");
    expect(loadConfig({}).invitations.acceptUrl).toBe("http://localhost:3000/invitations/accept");
    expect(loadConfig({}).mail).toMatchObject({ smtpUrl: undefined, filesDir: expect.stringMatching(/\.data\/mail$/) });
    expect(() => loadConfig({ SMTP_URL: "http://mail" })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SECRET_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/SECRET_ENCRYPTION_KEY/);
  });
  it("turns Google and Apple sign-in on only with a client id, with their public issuers and keys by default", () => {
    expect(loadConfig({}).sso).toMatchObject({ google: null, apple: null, jwksTimeoutMs: 3000 });
    const config = loadConfig({ GOOGLE_CLIENT_ID: "web.apps.googleusercontent.com, ios.apps.googleusercontent.com", APPLE_CLIENT_ID: "com.example.web" });
    expect(config.sso.google).toEqual({
      issuers: ["https://accounts.google.com", "accounts.google.com"],
      jwksUrl: "https://www.googleapis.com/oauth2/v3/certs",
      clientIds: ["web.apps.googleusercontent.com", "ios.apps.googleusercontent.com"],
    });
    expect(config.sso.apple).toEqual({ issuers: ["https://appleid.apple.com"], jwksUrl: "https://appleid.apple.com/auth/keys", clientIds: ["com.example.web"] });
  });

  it("refuses a provider's JWKS URL that is not https, allowing loopback http outside production only", () => {
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: "web", GOOGLE_JWKS_URL: "http://keys.example.com/jwks" })).toThrow(/GOOGLE_JWKS_URL/);
    expect(loadConfig({ APPLE_CLIENT_ID: "web", APPLE_JWKS_URL: "http://127.0.0.1:9999/jwks" }).sso.apple?.jwksUrl).toBe("http://127.0.0.1:9999/jwks");
    expect(() => loadConfig({ ...productionPayments, NODE_ENV: "production", APPLE_CLIENT_ID: "web", APPLE_JWKS_URL: "http://127.0.0.1:9999/jwks" })).toThrow(/APPLE_JWKS_URL/);
  });

  it("takes payments with the development provider by default, with retry and circuit defaults", () => {
    expect(loadConfig({}).payments).toEqual({
      provider: "development",
      apiUrl: undefined,
      apiKey: undefined,
      timeoutMs: 5000,
      maxAttempts: 3,
      retryBaseMs: 200,
      circuitFailures: 5,
      circuitCooldownMs: 30_000,
      currency: "USD",
    });
    expect(loadConfig({ PAYMENT_PROVIDER: "test", BILLING_CURRENCY: "EUR", PAYMENT_MAX_ATTEMPTS: "1" }).payments).toMatchObject({ provider: "test", currency: "EUR", maxAttempts: 1 });
    expect(() => loadConfig({ BILLING_CURRENCY: "usd" })).toThrow(/BILLING_CURRENCY/);
    expect(() => loadConfig({ PAYMENT_MAX_ATTEMPTS: "0" })).toThrow(/PAYMENT_MAX_ATTEMPTS/);
    expect(() => loadConfig({ PAYMENT_PROVIDER: "stripe" })).toThrow(/PAYMENT_PROVIDER/);
  });

  it("refuses the http payment provider without its URL and key", () => {
    expect(() => loadConfig({ PAYMENT_PROVIDER: "http" })).toThrow(/PAYMENT_API_URL: required[\s\S]*PAYMENT_API_KEY: required/);
    expect(() => loadConfig({ PAYMENT_PROVIDER: "http", PAYMENT_API_URL: "https://api.payments.example" })).toThrow(/PAYMENT_API_KEY/);
    expect(() => loadConfig({ PAYMENT_PROVIDER: "http", PAYMENT_API_URL: "ftp://payments", PAYMENT_API_KEY: "k" })).toThrow(/PAYMENT_API_URL/);
    const config = loadConfig({ PAYMENT_PROVIDER: "http", PAYMENT_API_URL: "http://127.0.0.1:12111", PAYMENT_API_KEY: "sk_test_x", PAYMENT_TIMEOUT_MS: "800" });
    expect(config.payments).toMatchObject({ provider: "http", apiUrl: "http://127.0.0.1:12111", apiKey: "sk_test_x", timeoutMs: 800 });
  });

  it("refuses the development and test payment providers, and a plain-http payment API, in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/PAYMENT_PROVIDER: "development" takes no real payments and is refused in production/);
    expect(() => loadConfig({ NODE_ENV: "production", PAYMENT_PROVIDER: "test" })).toThrow(/PAYMENT_PROVIDER: "test"/);
    expect(() => loadConfig({ ...productionPayments, NODE_ENV: "production", PAYMENT_API_URL: "http://payments.internal" })).toThrow(/PAYMENT_API_URL: must be https in production/);
    expect(loadConfig({ ...productionPayments, NODE_ENV: "production" }).payments.provider).toBe("http");
  });

  it("traces over OTLP only when the OTEL_* variables name an exporter, and never with OTEL_SDK_DISABLED", () => {
    const enabled = (environment: Record<string, string>) => loadConfig(environment).telemetry.enabled;
    expect(enabled({})).toBe(false);
    expect(enabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "" })).toBe(false);
    expect(enabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(enabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(true);
    expect(enabled({ OTEL_TRACES_EXPORTER: "otlp" })).toBe(true);
    expect(enabled({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(false);
    expect(enabled({ OTEL_SDK_DISABLED: "TRUE", OTEL_TRACES_EXPORTER: "otlp" })).toBe(false);
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: "zipkin" })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(loadConfig({}).telemetry).toMatchObject({ serviceName: "user-management", batch: { scheduledDelayMillis: 5000 } });
    expect(loadConfig({ OTEL_SERVICE_NAME: "um-eu", OTEL_BSP_SCHEDULE_DELAY: "50" }).telemetry).toMatchObject({ serviceName: "um-eu", batch: { scheduledDelayMillis: 50 } });
  });

  it("answers federated traces unless FEDERATED_TRACING=false, and reads LOG_FORMAT", () => {
    expect(loadConfig({}).graphql.federatedTracing).toBe(true);
    expect(loadConfig({ FEDERATED_TRACING: "false" }).graphql.federatedTracing).toBe(false);
    expect(loadConfig({}).log.format).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: "pretty" }).log.format).toBe("pretty");
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT/);
  });
});
