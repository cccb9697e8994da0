import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseCidr } from './cidr';

// Every variable of DESIGN.md "Configuration"; documented one by one in .env.example.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const seconds = (fallback: number) => z.coerce.number().positive().max(86_400).default(fallback);

/** CACHE_MODE: Redis only, fail closed | local fallback, tagged | one instance, no Redis. */
export const cacheModes = ['strict', 'degraded', 'local'] as const;

/** Session signing secrets, configured or kept in DATA_DIR/auth-secret, are at least this long. */
export const AUTH_SECRET_MIN_LENGTH = 32;

const port = z.coerce.number().int().min(0).max(65535);
/** Room for the multipart framing around a file (boundaries, part headers). */
const MULTIPART_SLACK_BYTES = 64 * 1024;

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    PORT: port.default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    STORAGE_LOCAL_DIR: z.string().min(1).optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    CACHE_MODE: z.enum(cacheModes).optional(),
    BETTER_AUTH_SECRET: z.string().min(AUTH_SECRET_MIN_LENGTH, `must be at least ${AUTH_SECRET_MIN_LENGTH} characters`).optional(),
    BETTER_AUTH_URL: z.url({ message: 'must be an absolute URL' }).default('http://localhost:3000'),
    ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    AUTH_SIGN_IN_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    STORAGE_SHARED: bool.default(false),
    S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
    S3_BUCKET: z.string().min(3).max(63).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: bool.default(false),
    STORAGE_SWEEP_MODE: z.enum(['dry-run', 'delete', 'off'], { message: 'must be dry-run, delete or off' }).default('dry-run'),
    STORAGE_SWEEP_INTERVAL_SECONDS: seconds(3600),
    UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(100 * 1024 * 1024),
    UPLOAD_MAX_PIXELS: z.coerce.number().int().min(1).default(200_000_000),
    UPLOAD_REQUEST_MAX_BYTES: z.coerce.number().int().min(1024).optional(),
    UPLOAD_IDLE_TIMEOUT_SECONDS: seconds(30),
    /** Largest body of one tus PATCH (resumable upload chunk); well under common proxy caps (100 MB). */
    UPLOAD_CHUNK_BYTES: z.coerce.number().int().min(64 * 1024).default(50 * 1024 * 1024),
    /** An incomplete resumable upload is removed this long after it was created. */
    UPLOAD_EXPIRE_HOURS: z.coerce.number().positive().default(24),
    PREPROCESS_CONCURRENCY: z.coerce.number().int().min(0).max(256).optional(),
    PREPROCESS_TICKER_ENABLED: bool.default(true),
    PREPROCESS_TICK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    CRON_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),
    METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    PREPROCESS_TICK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        const bad = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s && !parseCidr(s));
        if (bad.length) {
          ctx.addIssue({
            code: 'custom',
            message: `${bad.map((s) => `"${s}"`).join(', ')} is not an IP address or CIDR range; use a comma-separated list such as 10.0.0.0/8, 192.168.1.10, fd00::/8`,
          });
        }
      }),
    /** Set by Vercel on its functions: the platform's own client-address header is then believed. */
    VERCEL: z.string().optional(),
    PREPROCESS_TICK_INTERVAL_SECONDS: seconds(10),
    PREPROCESS_TICK_BUDGET_SECONDS: seconds(20),
    PREPROCESS_LEASE_SECONDS: seconds(60),
    PREPROCESS_POLL_SECONDS: seconds(5),
    PREPROCESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    PREPROCESS_RETRY_BASE_SECONDS: seconds(5),
    UPLOAD_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    TICK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    SHARE_PASSWORD_ATTEMPTS_PER_LINK: z.coerce.number().int().min(1).default(50),
    SHARE_PASSWORD_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
    PUBLIC_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    WORKER_HEARTBEAT_SECONDS: seconds(5),
    WORKER_STALE_SECONDS: seconds(20),
    WORKER_AUTO_OFFLINE_SWEEP_SECONDS: seconds(30),
    HEARTBEAT_MIRROR_INTERVAL_SECONDS: seconds(60),
    AVAILABILITY_RESEED_SWEEP_SECONDS: seconds(300),
    DARKROOM_REPLICAS: z.coerce.number().int().min(1).max(10_000).optional(),
    DARKROOM_SINGLE_INSTANCE: z.enum(['1', '0'], { message: 'must be exactly 1 to skip the replica guard (or unset)' }).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.CACHE_MODE && env.CACHE_MODE !== 'local' && !env.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['CACHE_MODE'],
        message: `"${env.CACHE_MODE}" needs REDIS_URL; set REDIS_URL or use CACHE_MODE=local`,
      });
    }
    if (env.WORKER_STALE_SECONDS <= env.WORKER_HEARTBEAT_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_STALE_SECONDS'], message: 'must be longer than WORKER_HEARTBEAT_SECONDS' });
    }
    if (env.STORAGE_DRIVER === 's3' && !env.S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when STORAGE_DRIVER=s3' });
    }
    if (env.UPLOAD_REQUEST_MAX_BYTES !== undefined && env.UPLOAD_REQUEST_MAX_BYTES < env.UPLOAD_MAX_BYTES + MULTIPART_SLACK_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['UPLOAD_REQUEST_MAX_BYTES'],
        message: `must be at least UPLOAD_MAX_BYTES + ${MULTIPART_SLACK_BYTES} (${env.UPLOAD_MAX_BYTES + MULTIPART_SLACK_BYTES}), or one photo of the largest size could not be uploaded`,
      });
    }
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT: metrics are served on their own port, never on the public one' });
    }
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      });
    }
  });

export function toConfig(env: z.output<typeof envSchema>, platformSignals: string[]) {
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    databasePoolMax: env.DATABASE_POOL_MAX,
    dataDir,
    redisUrl: env.REDIS_URL,
    cacheMode: env.CACHE_MODE ?? (env.REDIS_URL ? 'strict' : 'local'),
    auth: {
      secret: env.BETTER_AUTH_SECRET,
      baseUrl: env.BETTER_AUTH_URL,
      signInLimitPerMinute: env.AUTH_SIGN_IN_LIMIT_PER_MINUTE,
    },
    admin: env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    logLevel: env.LOG_LEVEL,
    storage: {
      driver: env.STORAGE_DRIVER,
      shared: env.STORAGE_SHARED,
      localDir: env.STORAGE_LOCAL_DIR ? path.resolve(env.STORAGE_LOCAL_DIR) : path.join(dataDir, 'uploads'),
      s3: {
        endpoint: env.S3_ENDPOINT,
        bucket: env.S3_BUCKET ?? '',
        region: env.S3_REGION,
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
      },
      /** The cluster duty that removes files no row references (dry-run only logs them). */
      sweep: { mode: env.STORAGE_SWEEP_MODE, intervalMs: env.STORAGE_SWEEP_INTERVAL_SECONDS * 1000 },
    },
    upload: {
      maxBytes: env.UPLOAD_MAX_BYTES,
      maxPixels: env.UPLOAD_MAX_PIXELS,
      /** One multipart upload request in total; default: ten photos of the largest size. */
      requestMaxBytes: env.UPLOAD_REQUEST_MAX_BYTES ?? env.UPLOAD_MAX_BYTES * 10 + MULTIPART_SLACK_BYTES,
      idleTimeoutMs: env.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000,
      /** tus: the chunk size clients are told and the largest PATCH body accepted (plus slack). */
      chunkBytes: env.UPLOAD_CHUNK_BYTES,
      expireMs: env.UPLOAD_EXPIRE_HOURS * 60 * 60 * 1000,
    },
    preprocess: {
      concurrency: env.PREPROCESS_CONCURRENCY ?? os.availableParallelism(),
      tickerEnabled: env.PREPROCESS_TICKER_ENABLED,
      tickSecret: env.PREPROCESS_TICK_SECRET,
      cronSecret: env.CRON_SECRET,
      tickConcurrency: env.PREPROCESS_TICK_CONCURRENCY,
      tickIntervalMs: env.PREPROCESS_TICK_INTERVAL_SECONDS * 1000,
      tickBudgetMs: env.PREPROCESS_TICK_BUDGET_SECONDS * 1000,
      leaseMs: env.PREPROCESS_LEASE_SECONDS * 1000,
      pollMs: env.PREPROCESS_POLL_SECONDS * 1000,
      maxAttempts: env.PREPROCESS_MAX_ATTEMPTS,
      retryBaseMs: env.PREPROCESS_RETRY_BASE_SECONDS * 1000,
    },
    /** GET /api/v1/metrics behind this Bearer token, and/or a separate metrics server on this port. */
    metrics: { token: env.METRICS_TOKEN, port: env.METRICS_PORT },
    rateLimits: { uploadsPerMinute: env.UPLOAD_RATE_LIMIT_PER_MINUTE, ticksPerMinute: env.TICK_RATE_LIMIT_PER_MINUTE, apiKeyRequestsPerMinute: env.API_KEY_RATE_LIMIT_PER_MINUTE },
    /** Share-link password guesses per 15 minutes, per link and per client address. */
    sharePasswordAttempts: { perLink: env.SHARE_PASSWORD_ATTEMPTS_PER_LINK, perAddress: env.SHARE_PASSWORD_ATTEMPTS_PER_ADDRESS },
    publicCacheTtlSeconds: env.PUBLIC_CACHE_TTL_SECONDS,
    /** CIDRs whose X-Forwarded-For is believed (validated here; server/http/client-ip.ts applies them). */
    trustedProxies: (env.TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    /** On Vercel (VERCEL set), x-vercel-forwarded-for names the client on the Next-mounted API. */
    onVercel: Boolean(env.VERCEL),
    fleet: {
      heartbeatMs: env.WORKER_HEARTBEAT_SECONDS * 1000,
      staleMs: env.WORKER_STALE_SECONDS * 1000,
      autoOfflineSweepMs: env.WORKER_AUTO_OFFLINE_SWEEP_SECONDS * 1000,
      heartbeatMirrorMs: env.HEARTBEAT_MIRROR_INTERVAL_SECONDS * 1000,
      reseedSweepMs: env.AVAILABILITY_RESEED_SWEEP_SECONDS * 1000,
    },
    replicaGuard: {
      declaredReplicas: env.DARKROOM_REPLICAS,
      bypass: env.DARKROOM_SINGLE_INSTANCE === '1',
      /** Multi-instance signals read from the host environment (see env.ts). */
      platformSignals,
    },
    cores: os.availableParallelism(),
  } as const;
}

