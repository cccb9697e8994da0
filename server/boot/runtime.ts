import os from 'node:os';
import path from 'node:path';
import { type Auth, authRequestHandler, createAuth, resolveAuthSecret, type AuthSecret } from '../auth';
import { type AvailabilityStatus, createStatusReader, Fleet, fleetSweeps, workerIdentity } from '../availability';
import { authRateLimitStore, type Cache, type CacheManager, createCacheManager, createRateLimiter, type RateLimiter } from '../cache';
import { APP_VERSION, loadConfig, type Config } from '../config';
import { secureDataDir } from '../data-dir';
import { type Database, type DatabaseHandle, openDatabase } from '../db';
import { analyzeEmbedded, EMBEDDED_ANALYZE_INTERVAL_MS } from '../db/statistics';
import { AUTH_BODY_MAX_BYTES, BODY_IDLE_MS, withBodyLimit } from '../http/body-limit';
import { createLogger, type Logger } from '../log';
import { type ImagesContext, registerDevelopJob, storageSweepDuty, storageSweepOptions } from '../images';
import { setMetricSources } from '../metrics';
import { isDue, Queue, readQueueDepth } from '../queue';
import { connectRedis, type Redis } from '../redis';
import { checkPlatformSignals, checkReplicaGuard, checkSharedVolume } from '../replica-guard';
import { createStorage, type Storage } from '../storage';
import { createUploads, expiredUploadsDuty, RELEASE_CHANNEL, type Uploads } from '../uploads';
import { ensureOwner } from '../users';

/** The cache namespace of the public read API; every admin write invalidates it. */
export const PUBLIC_CACHE = 'public';
/**
 * In degraded mode with Redis away, admin writes cannot invalidate other replicas' fallback
 * stores, so what they store lives at most this long: gallery data and the page rendered
 * from it stack two such lifetimes, and DESIGN wants every replica fresh within 1 s.
 */
export const DEGRADED_TTL_SECONDS = 0.5;

/** Everything a request or a job needs; built once per process by createServices. */
export interface Services {
  config: Config;
  log: Logger;
  /** One line per API request (hono/middleware/request-log.ts): `log` unless the entry gives its own (npm start batches it). */
  accessLog: Logger;
  database: DatabaseHandle;
  db: Database;
  auth: Auth;
  /** /api/auth/*: better-auth's handler, answering 503 when its rate limiter cannot be reached. */
  authHandler(request: Request): Promise<Response>;
  authSecret: AuthSecret;
  redis?: Redis;
  storage: Storage;
  queue: Queue;
  images: ImagesContext;
  /** Resumable uploads (tus) under /api/v1/admin/uploads. */
  uploads: Uploads;
  fleet: Fleet;
  readStatus(): Promise<AvailabilityStatus>;
  cache: {
    manager: CacheManager;
    public: Cache;
    limits: { upload: RateLimiter; tick: RateLimiter; sharePasswordPerLink: RateLimiter; sharePasswordPerAddress: RateLimiter; apiKey: RateLimiter };
  };
  /** Drops the public read cache on every replica; throws when Redis cannot be reached. */
  invalidatePublic(): Promise<void>;
  workerId: string;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  log?: Logger;
  accessLog?: Logger;
  database?: DatabaseHandle;
}

/**
 * Startup order of DESIGN.md: (config validated by the caller) → replica guard →
 * migrations → Redis (per cache mode) → mirror and queue wiring → owner bootstrap.
 * Every entry (npm start, npm run worker, the Next mount) comes through here first, so
 * the umask and DATA_DIR's permissions are set before anything is written.
 */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const log = overrides.log ?? createLogger({ level: config.logLevel });
  checkPlatformSignals(config);
  secureDataDir(config, log);
  const database =
    overrides.database ??
    (await openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite'), poolMax: config.databasePoolMax }));
  let redis: Redis | undefined;
  try {
    const authSecret = resolveAuthSecret(config.auth.secret, config.dataDir);
    const workerId = workerIdentity(config.dataDir);
    await checkReplicaGuard({ config, authSecretGenerated: authSecret.generated, db: database.db, workerId });
    await database.migrate();
    await checkSharedVolume({ config, db: database.db, workerId, hostname: os.hostname() });

    const cacheManager = createCacheManager({
      mode: config.cacheMode,
      redisUrl: config.redisUrl,
      log: log.child({ module: 'cache' }),
      flushOnRecovery: [PUBLIC_CACHE],
      degradedTtlSeconds: DEGRADED_TTL_SECONDS,
    });
    // Strict mode refuses to start without Redis (CacheBackendUnavailableError names the other modes).
    await cacheManager.init();
    // Redis connects before the fleet exists; every later (re)connect reseeds the mirror.
    const reseed: { fleet?: Fleet } = {};
    if (config.redisUrl) {
      // Strict mode cannot run without Redis; the other modes start and keep retrying.
      redis = await connectRedis(config.redisUrl, log.child({ module: 'redis' }), {
        required: config.cacheMode === 'strict',
        onReady: () => void reseed.fleet?.seed().then(() => reseed.fleet?.heartbeat()).catch(() => {}),
      });
    }
    const auth = createAuth({
      db: database.db,
      secret: authSecret.value,
      baseUrl: config.auth.baseUrl,
      signInLimitPerMinute: config.auth.signInLimitPerMinute,
      rateLimitStore: authRateLimitStore(cacheManager.cache('ratelimit')),
      log: log.child({ module: 'auth' }),
    });
    const storage = await createStorage(config.storage);
    const queue = new Queue({
      db: database.db,
      log: log.child({ module: 'queue' }),
      workerId,
      leaseMs: config.preprocess.leaseMs,
      maxAttempts: config.preprocess.maxAttempts,
      retryBaseMs: config.preprocess.retryBaseMs,
      tickConcurrency: config.preprocess.tickConcurrency,
    });
    const fleet = new Fleet({
      db: database.db,
      redis,
      log: log.child({ module: 'fleet' }),
      self: { id: workerId, hostname: os.hostname(), version: APP_VERSION, concurrency: config.preprocess.concurrency },
      timing: config.fleet,
    });
    reseed.fleet = fleet;
    queue.useFleet({
      canClaim: async () => !(await fleet.isDrained()),
      onLeaseChange: () => void fleet.refreshCapacity().catch(() => {}),
    });
    queue.addClusterDuty(fleetSweeps(fleet, queue));
    const publicCache = cacheManager.cache(PUBLIC_CACHE);
    const invalidatePublic = () => publicCache.invalidateAll();
    const images: ImagesContext = { db: database.db, storage, queue, log: log.child({ module: 'images' }), limits: config.upload, invalidatePublic };
    // images → queue: the develop handler is registered here, at boot.
    registerDevelopJob(images);
    queue.addClusterDuty(storageSweepDuty(images, storageSweepOptions(config)));
    const uploads = await createUploads({ config, db: database.db, images, log: log.child({ module: 'uploads' }) });
    const stopReleaseListener = await database.listen(RELEASE_CHANNEL, uploads.locker.onReleaseRequest);
    queue.addClusterDuty(expiredUploadsDuty(uploads, log.child({ module: 'uploads' })));
    // The embedded database has no autovacuum: refresh its planner statistics on a cadence.
    if (database.kind === 'pglite') queue.addClusterDuty(async (tx) => ((await isDue(tx, 'analyze', EMBEDDED_ANALYZE_INTERVAL_MS)) ? () => analyzeEmbedded(database.db) : undefined));
    if (config.admin) {
      const owner = await ensureOwner({ db: database.db }, config.admin);
      if (owner) log.info({ userId: owner.id }, 'owner account created from ADMIN_EMAIL');
    }
    const readStatus = createStatusReader(fleet);
    setMetricSources({
      queue: () => readQueueDepth(database.db),
      fleet: async () => {
        const status = await readStatus();
        return { online: status.workersOnline, drained: status.workersOnline - status.workersAvailable, freeSlots: status.freeSlots };
      },
      cacheBackend: () => cacheManager.backendStatus(),
      log: log.child({ module: 'metrics' }),
    });
    const client = redis;
    return {
      config,
      log,
      accessLog: overrides.accessLog ?? log,
      database,
      db: database.db,
      auth,
      authHandler: withBodyLimit(authRequestHandler(auth), { maxBytes: AUTH_BODY_MAX_BYTES, idleMs: BODY_IDLE_MS }),
      authSecret,
      redis,
      storage,
      queue,
      images,
      uploads,
      fleet,
      readStatus,
      cache: {
        manager: cacheManager,
        public: publicCache,
        limits: {
          upload: createRateLimiter(cacheManager.cache('ratelimit'), { name: 'upload', windowSeconds: 60, max: config.rateLimits.uploadsPerMinute }),
          tick: createRateLimiter(cacheManager.cache('ratelimit'), { name: 'tick', windowSeconds: 60, max: config.rateLimits.ticksPerMinute }),
          sharePasswordPerLink: createRateLimiter(cacheManager.cache('ratelimit'), { name: 'share_password_link', windowSeconds: 900, max: config.sharePasswordAttempts.perLink }),
          sharePasswordPerAddress: createRateLimiter(cacheManager.cache('ratelimit'), { name: 'share_password_address', windowSeconds: 900, max: config.sharePasswordAttempts.perAddress }),
          apiKey: createRateLimiter(cacheManager.cache('ratelimit'), { name: 'api_key', windowSeconds: 60, max: config.rateLimits.apiKeyRequestsPerMinute }),
        },
      },
      invalidatePublic,
      workerId,
      async close() {
        await stopReleaseListener().catch(() => {});
        client?.disconnect();
        await cacheManager.close();
        await database.close();
      },
    };
  } catch (error) {
    redis?.disconnect();
    await database.close().catch(() => {});
    throw error;
  }
}

// Next bundles its own copy of these modules; sharing through globalThis keeps one
// database (one PGlite owner) and one Redis client per process.
const globalKey = Symbol.for('darkroom.services');
type GlobalWithServices = typeof globalThis & { [globalKey]?: Promise<Services> };

export function getServices(): Promise<Services> {
  const g = globalThis as GlobalWithServices;
  g[globalKey] ??= createServices(loadConfig());
  return g[globalKey];
}

/** Lets the production server hand the services it built to the Next handlers. */
export function setServices(services: Services): void {
  (globalThis as GlobalWithServices)[globalKey] = Promise.resolve(services);
}
