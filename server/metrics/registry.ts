import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** HTTP latencies: 5 ms to 30 s (uploads and ticks take long, public reads should not). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Developing one photo: a small JPEG takes a fraction of a second, a 100-megapixel file minutes. */
const DEVELOP_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

type ScrapeGauge = 'queueJobs' | 'queueOldestAge' | 'workersOnline' | 'workersDrained' | 'workerFreeSlots' | 'cacheBackendUp';

/** Every metric of one process, in one registry (DESIGN.md "Metrics"). */
function createProcessMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Scrape-time gauges call these; scrape.ts fills them in once the sources exist.
  const scrape: Partial<Record<ScrapeGauge, () => void | Promise<void>>> = {};
  const onScrape = (gauge: ScrapeGauge) => () => scrape[gauge]?.();
  return {
    registry,
    scrape,
    httpRequestDuration: new Histogram({
      name: 'darkroom_http_request_duration_seconds',
      help: 'HTTP requests by method, route template (never the raw path) and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    jobsFinished: new Counter({
      name: 'darkroom_jobs_finished_total',
      help: 'Job runs by kind and outcome: succeeded, failed (for good), retrying (attempt failed, re-queued), released (handed back at shutdown), lost (lease lost or cancelled; result discarded), cancelled (by an admin).',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    developDuration: new Histogram({
      name: 'darkroom_develop_duration_seconds',
      help: 'Time to develop one photo (decode, orient, variants, placeholder, EXIF), by outcome.',
      labelNames: ['outcome'] as const,
      buckets: DEVELOP_BUCKETS,
      registers,
    }),
    queueJobs: new Gauge({ name: 'darkroom_queue_jobs', help: 'Jobs in the queue by status, cluster-wide (read from PostgreSQL at scrape time).', labelNames: ['status'] as const, collect: onScrape('queueJobs'), registers }),
    queueOldestAge: new Gauge({
      name: 'darkroom_queue_oldest_queued_age_seconds',
      help: 'How long the oldest queued job that is due has waited to be claimed, cluster-wide; 0 when none waits.',
      collect: onScrape('queueOldestAge'), registers,
    }),
    workersOnline: new Gauge({ name: 'darkroom_workers_online', help: 'Workers online in the fleet (drained ones included).', collect: onScrape('workersOnline'), registers }),
    workersDrained: new Gauge({ name: 'darkroom_workers_drained', help: 'Online workers that are drained (claim no new jobs).', collect: onScrape('workersDrained'), registers }),
    workerFreeSlots: new Gauge({ name: 'darkroom_worker_free_slots', help: 'Jobs the online, undrained workers could start right now.', collect: onScrape('workerFreeSlots'), registers }),
    cacheHits: new Counter({ name: 'darkroom_cache_hits_total', help: 'Cache reads that found a value, by namespace.', labelNames: ['namespace'] as const, registers }),
    cacheMisses: new Counter({ name: 'darkroom_cache_misses_total', help: 'Cache reads that found nothing, by namespace.', labelNames: ['namespace'] as const, registers }),
    cacheErrors: new Counter({
      name: 'darkroom_cache_errors_total',
      help: 'Cache operations that failed, by namespace and kind: backend (Redis unreachable) or payload (a stored value could not be read).',
      labelNames: ['namespace', 'kind'] as const,
      registers,
    }),
    cacheBackendUp: new Gauge({
      name: 'darkroom_cache_backend_up',
      help: 'Whether this process reaches Redis (1) or not (0), by cache mode; absent in CACHE_MODE=local.',
      labelNames: ['mode'] as const,
      collect: onScrape('cacheBackendUp'), registers,
    }),
    rateLimitRefusals: new Counter({ name: 'darkroom_rate_limit_refusals_total', help: 'Requests refused by a rate limit, by limiter.', labelNames: ['limiter'] as const, registers }),
  };
}

export type ProcessMetrics = ReturnType<typeof createProcessMetrics>;

// Next bundles its own copy of server modules; sharing through globalThis keeps one registry per process.
const globalKey = Symbol.for('darkroom.metrics');
type GlobalWithMetrics = typeof globalThis & { [globalKey]?: ProcessMetrics };

/** The metrics of this process, created on first use. */
export function processMetrics(): ProcessMetrics {
  const g = globalThis as GlobalWithMetrics;
  g[globalKey] ??= createProcessMetrics();
  return g[globalKey];
}
