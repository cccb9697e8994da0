/*
 * What every replica needs, `npm run worker` included: database, Redis, storage, queue, fleet,
 * uploads' cluster duty, caches. No better-auth: the worker never authenticates anyone, and
 * importing better-auth with its drizzle adapter costs ~40 MB resident (bench/footprint.ts).
 * createServices (runtime.ts) adds authentication for the processes that serve HTTP.
 */
import os from 'node:os';
import path from 'node:path';
import { resolveAuthSecret, type AuthSecret } from '../auth/secret';
import { type AvailabilityStatus, createStatusReader, Fleet, fleetSweeps, workerIdentity } from '../availability';
import { type Cache, type CacheManager, createCacheManager, createRateLimiter, type RateLimiter } from '../cache';
import { APP_VERSION, type Config } from '../config';
import { secureDataDir } from '../data-dir';
import { type Database, type DatabaseHandle, openDatabase } from '../db';
import { analyzeEmbedded, EMBEDDED_ANALYZE_INTERVAL_MS } from '../db/statistics';
import { createLogger, type Logger } from '../log';
import { type ImagesContext, registerDevelopJob, storageSweepDuty, storageSweepOptions } from '../images';
import { setMetricSources } from '../metrics';
import { isDue, Queue, readQueueDepth } from '../queue';
import { connectRedis, type Redis } from '../redis';
import { checkPlatformSignals, checkReplicaGuard, checkSharedVolume } from '../replica-guard';
import { createStorage, type Storage } from '../storage';
import { createUploads, expiredUploadsDuty, RELEASE_CHANNEL, type Uploads } from '../uploads';

/** The cache namespace of the public read API; every admin write invalidates it. */
export const PUBLIC_CACHE = 'public';
/**
 * In degraded mode with Redis away, admin writes cannot invalidate other replicas' fallback
 * stores, so what they store lives at most this long: gallery data and the page rendered
 * from it stack two such lifetimes, and DESIGN wants every replica fresh within 1 s.
 */
export const DEGRADED_TTL_SECONDS = 0.5;

/** Everything a job needs; built once per process by createCoreServices. */
export interface CoreServices {
  config: Config;
  log: Logger;
  /** One line per API request (hono/middleware/request-log.ts): `log` unless the entry gives its own (npm start batches it). */
  accessLog: Logger;
  database: DatabaseHandle;
  db: Database;
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
 * (createServices then adds better-auth, which only constructs: no I/O, no order.)
 */
export async function createCoreServices(config: Config, overrides: ServiceOverrides = {}): Promise<CoreServices> {
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
      // Loaded only here: users/ hashes the password with better-auth's crypto.
      const { ensureOwner } = await import('../users');
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
