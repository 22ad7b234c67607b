import type { Config } from "./config.js";
import { createSessionGuard, type SessionGuard } from "./modules/auth/session-guard.js";
import type { AccountDeps } from "./modules/auth/account.service.js";
import type { MfaDeps } from "./modules/auth/mfa.service.js";
import type { SessionsDeps } from "./modules/auth/sessions.service.js";
import type { SignInRiskDeps } from "./modules/auth/sign-in-risk.js";
import { startSubscriptionRolloverJob } from "./modules/subscriptions/rollover.job.js";
import type { SsoDeps } from "./modules/auth/sso.service.js";
import type { CompaniesDeps } from "./modules/companies/companies.deps.js";
import type { SubscriptionsDeps } from "./modules/subscriptions/subscriptions.service.js";
import { startRetentionJob } from "./modules/privacy/retention.job.js";
import { principalFromClaims, type Principal } from "./permissions/principal.js";
import { createCache, type Cache } from "./platform/cache/cache.js";
import { traceCache } from "./platform/tracing/cache-spans.js";
import { openDatabase, requireMigrated, type Database } from "./platform/db/database.js";
import { createTxtLookup } from "./platform/dns/txt-records.js";
import { createDraining, type Draining } from "./platform/draining.js";
import { createMailer, type Mailer } from "./platform/mail/mailer.js";
import { setPasswordHashingConcurrency } from "./platform/crypto.js";
import type { IntervalJob } from "./platform/jobs/interval-job.js";
import { cachedValue } from "./platform/cached-value.js";
import { createMetrics, type Metrics } from "./platform/metrics/metrics.js";
import { countUnpublishedEvents } from "./platform/outbox/backlog.js";
import { startOutbox, type OutboxWorker } from "./platform/outbox/outbox.js";
import { createPaymentProvider } from "./platform/payments/create-payment-provider.js";
import type { PaymentProvider } from "./platform/payments/payment-provider.js";
import { createRateLimiter, type RateLimiter } from "./platform/rate-limit.js";
import { createIdTokenVerifier } from "./platform/oidc/id-tokens.js";
import { createSecretBox, loadSecretBoxKey } from "./platform/secret-box.js";
import { unauthenticatedRequest } from "./platform/errors.js";
import type { Logger } from "./platform/logger.js";
import type { TokenCheck } from "./platform/metrics/auth-recorder.js";
import {
  AccessTokenError,
  bearerToken,
  createTokenService,
  createKeyRing,
  jwksDocument,
  keepKeyRingCurrent,
  signingKeyStore,
  type Jwks,
  type KeyRing,
  type KeyStore,
  type TokenService,
  type VerifiedAccessToken,
} from "./platform/tokens/index.js";

/** The long-lived parts of the process, opened once at start and closed at shutdown. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  cache: Cache;
  /** Where the signing keys live: `JWT_SIGNING_KEYS`, or the shared `signing_keys` table. */
  keyStore: KeyStore;
  keyRing: KeyRing;
  tokens: TokenService;
  guard: SessionGuard;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  /** Where subscription charges go. */
  payments: PaymentProvider;
  /** This server's Prometheus registry and what records into it. */
  metrics: Metrics;
  /** What the services need (sessions, sign-in, companies), as one object. */
  services: ServiceDeps;
  jwks(): Jwks;
  /**
   * The principal of a request's Authorization header; null without one, UNAUTHENTICATED for a bad one.
   * A value (or a thrown error) when it is decided without I/O, a promise otherwise.
   */
  authenticate(authorization: string | undefined): Principal | null | Promise<Principal | null>;
  /** Stops following changes of the key set. */
  stopKeyReloads(): void;
  /** Publishes outbox rows to the Redis Stream (or, without Redis, watches their backlog). */
  outbox: OutboxWorker;
  /** The scheduled subscription rollover of this process. */
  rolloverJob: IntervalJob;
  /** The scheduled data-retention job of this process. */
  retentionJob: IntervalJob;
  /** Whether the process is draining before it stops (see src/platform/graceful-shutdown.ts). */
  draining: Draining;
}

export type ServiceDeps = SessionsDeps & CompaniesDeps & AccountDeps & MfaDeps & SignInRiskDeps & SsoDeps & SubscriptionsDeps;

/** Parts a caller (a test) supplies instead of the configured ones. */
export interface DependencyOverrides {
  payments?: PaymentProvider;
}

export async function openDependencies(config: Config, logger: Logger, overrides: DependencyOverrides = {}): Promise<AppDeps> {
  if (config.passwordHashConcurrency) setPasswordHashingConcurrency(config.passwordHashConcurrency);
  if (!config.migrateOnStart) await requireMigrated(config.database);
  const metrics = createMetrics({ maxOperationNames: config.metrics.maxOperationNames, redis: config.redis !== undefined });
  const database = await openDatabase(config.database, { logger, migrate: config.migrateOnStart, traced: config.telemetry.enabled });
  database.onQuery(metrics.recordDbStatement);
  const untracedCache = await createCache({ redisUrl: config.redis?.url, namespace: config.redis?.namespace, logger, lookups: metrics.cache, lruMaxEntries: config.memory.cache.maxEntries, lruMaxBytes: config.memory.cache.maxBytes });
  const cache = config.telemetry.enabled ? traceCache(untracedCache) : untracedCache;
  const secretBox = createSecretBox(
    await loadSecretBoxKey({ configured: config.secretEncryptionKey, dataDir: config.dataDir, requireConfigured: config.isProduction }),
  );
  const keysLogger = logger.child({ component: "signing-keys" });
  const keyStore = signingKeyStore({ signingKeys: config.tokens.signingKeys, prisma: database.prisma, secretBox, logger: keysLogger });
  const keyRing = await createKeyRing({ store: keyStore, accessTokenTtlSeconds: config.tokens.accessTokenTtlSeconds, logger: keysLogger });
  const stopKeyReloads = keepKeyRingCurrent({ ring: keyRing, cache, reloadIntervalMs: config.tokens.keysReloadIntervalMs, logger: keysLogger });
  const tokens = createTokenService({
    keys: keyRing,
    issuer: config.tokens.issuer,
    audience: config.tokens.audience,
    accessTokenTtlSeconds: config.tokens.accessTokenTtlSeconds,
    cacheSize: config.memory.verifiedTokens.maxEntries,
    cacheMaxBytes: config.memory.verifiedTokens.maxBytes,
  });

  const guard = createSessionGuard({ prisma: database.prisma, cache, logger, bounds: config.memory.sessionGuard });
  const mailer = createMailer({ ...config.mail, logger: logger.child({ component: "mail" }) });
  const lookupTxt = createTxtLookup({ servers: config.dns.servers, timeoutMs: config.dns.timeoutMs });
  const rateLimiter = createRateLimiter({
    settings: config.rateLimits,
    redisUrl: config.redis?.url,
    namespace: config.redis?.namespace ?? "user-management",
    logger: logger.child({ component: "rate-limit" }),
  });
  const idTokens = createIdTokenVerifier({ timeoutMs: config.sso.jwksTimeoutMs });
  const payments = overrides.payments ?? createPaymentProvider(config.payments, logger.child({ component: "payments" }));
  const services: ServiceDeps = { prisma: database.prisma, cache, tokens, guard, mailer, rateLimiter, lookupTxt, secretBox, idTokens, payments, config, logger, authMetrics: metrics.auth };

  function refuse(check: TokenCheck, started: number, message: string): never {
    metrics.auth.recordTokenCheck(check, performance.now() - started);
    throw unauthenticatedRequest(message);
  }

  function refuseRejected(error: unknown, started: number): never {
    if (error instanceof AccessTokenError) refuse(error.reason, started, error.message);
    throw error;
  }

  function admit(verified: VerifiedAccessToken, active: boolean, started: number): Principal {
    if (!active) refuse("session_ended", started, "The session has ended; sign in again");
    metrics.auth.recordTokenCheck("valid", performance.now() - started);
    return principalFromClaims(verified);
  }

  function knownToken(token: string, started: number): VerifiedAccessToken | undefined {
    try {
      return tokens.knownAccessToken(token);
    } catch (error) {
      refuseRejected(error, started);
    }
  }

  async function authenticateNewToken(token: string, started: number): Promise<Principal> {
    let verified;
    try {
      verified = await tokens.verifyAccessToken(token);
    } catch (error) {
      refuseRejected(error, started);
    }
    return admit(verified, await guard.isActive(verified), started);
  }

  // Answers synchronously, without a promise, for a token verified before whose session the guard knows: nearly every request.
  function authenticate(authorization: string | undefined): Principal | null | Promise<Principal | null> {
    if (authorization === undefined) return null;
    const started = performance.now();
    const token = bearerToken(authorization);
    if (!token) refuse("malformed_header", started, "Authorization header must be 'Bearer <token>'");
    const known = knownToken(token, started);
    if (!known) return authenticateNewToken(token, started);
    const active = guard.isActive(known);
    return typeof active === "boolean" ? admit(known, active, started) : active.then((isActive) => admit(known, isActive, started));
  }

  // Started last: nothing after it can fail and leave it running.
  const outbox = startOutbox({ prisma: database.prisma, config, logger });
  const rolloverJob = startSubscriptionRolloverJob(services, config.billing.rollover, logger.child({ component: "subscription-rollover" }));
  const retentionJob = startRetentionJob(
    { prisma: database.prisma, config, logger: logger.child({ component: "jobs" }) },
    config.retention.jobIntervalSeconds,
  );
  metrics.watch({
    poolStats: database.poolStats,
    cacheFootprints: () => ({ tokens: tokens.cacheFootprint(), context: cache.footprint(), ...guard.footprints() }),
    unpublishedOutboxEvents: cachedValue(config.health.figuresTtlMs, () => countUnpublishedEvents(database.prisma)),
  });

  return {
    config,
    logger,
    database,
    cache,
    keyStore,
    keyRing,
    tokens,
    guard,
    mailer,
    rateLimiter,
    payments,
    metrics,
    services,
    jwks: () => jwksDocument(keyRing),
    authenticate,
    stopKeyReloads,
    outbox,
    rolloverJob,
    retentionJob,
    draining: createDraining(),
  };
}

/** For a command: opens the dependencies, runs `work`, closes them; resolves to the exit code (1, with the message printed, when `work` failed). */
export async function runWithDependencies(
  config: Config,
  logger: Logger,
  work: (deps: AppDeps) => Promise<void>,
  overrides: DependencyOverrides = {},
): Promise<number> {
  const deps = await openDependencies(config, logger, overrides);
  try {
    await work(deps);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  } finally {
    await closeDependencies(deps);
  }
}

export async function closeDependencies(deps: AppDeps): Promise<void> {
  // Its round under way needs the database.
  await deps.rolloverJob.stop();
  await deps.outbox.stop();
  deps.guard.close();
  deps.stopKeyReloads();
  await deps.retentionJob.stop();
  await Promise.allSettled([deps.cache.close(), deps.database.close(), deps.mailer.close(), deps.rateLimiter.close()]);
}
