import type { Gauge } from 'prom-client';
import type { Logger } from '../log';
import { processMetrics } from './registry';

/** What the scrape-time gauges read; plain shapes, so this module depends on no domain. */
export interface MetricSources {
  /** Jobs by status and the age of the oldest due queued job, in one query. */
  queue(): Promise<{ byStatus: Partial<Record<string, number>>; oldestQueuedSeconds: number }>;
  fleet(): Promise<{ online: number; drained: number; freeSlots: number }>;
  cacheBackend(): { mode: string; redisDown: boolean };
  log: Logger;
}

/** Every status a job can have, so a status with no job reads 0 rather than vanishing. */
const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

const globalKey = Symbol.for('darkroom.metrics.sources');
type GlobalWithSources = typeof globalThis & { [globalKey]?: MetricSources };

/** The gauges computed at scrape time read these; set once at startup (server/boot). */
export function setMetricSources(sources: MetricSources): void {
  (globalThis as GlobalWithSources)[globalKey] = sources;
  installCollectors();
}

/** Concurrent collectors of one scrape share one read instead of querying twice. */
function shared<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

let installed = false;

function installCollectors(): void {
  if (installed) return;
  installed = true;
  const m = processMetrics();
  const sources = () => (globalThis as GlobalWithSources)[globalKey];
  const queue = shared(async () => sources()?.queue());
  const fleet = shared(async () => sources()?.fleet());

  /**
   * A failed read is never shown as a stale value: a labelled gauge is left out of that scrape,
   * an unlabelled one reads NaN (no alert threshold compares true); the log says why.
   */
  const collect = <T>(read: () => Promise<T | undefined>, what: string, gauge: Gauge, apply: (value: T) => void, labelled = false) =>
    async function collect() {
      try {
        const value = await read();
        gauge.reset();
        if (value !== undefined) apply(value);
      } catch (error) {
        gauge.reset();
        if (!labelled) gauge.set(NaN);
        sources()?.log.warn({ err: error }, `metrics: could not read ${what}`);
      }
    };

  m.scrape.queueJobs = collect(queue, 'the queue', m.queueJobs, (q) => {
    for (const status of new Set([...JOB_STATUSES, ...Object.keys(q.byStatus)])) m.queueJobs.set({ status }, q.byStatus[status] ?? 0);
  }, true);
  m.scrape.queueOldestAge = collect(queue, 'the queue', m.queueOldestAge, (q) => m.queueOldestAge.set(q.oldestQueuedSeconds));
  const fleetGauge = (gauge: Gauge, pick: (f: { online: number; drained: number; freeSlots: number }) => number) =>
    collect(fleet, 'the worker fleet', gauge, (f) => gauge.set(pick(f)));
  m.scrape.workersOnline = fleetGauge(m.workersOnline, (f) => f.online);
  m.scrape.workersDrained = fleetGauge(m.workersDrained, (f) => f.drained);
  m.scrape.workerFreeSlots = fleetGauge(m.workerFreeSlots, (f) => f.freeSlots);
  m.scrape.cacheBackendUp = () => {
    m.cacheBackendUp.reset();
    const backend = sources()?.cacheBackend();
    if (backend && backend.mode !== 'local') m.cacheBackendUp.set({ mode: backend.mode }, backend.redisDown ? 0 : 1);
  };
}

/** The Prometheus text exposition of this process. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const { registry } = processMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
