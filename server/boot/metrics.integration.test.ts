import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { DEVELOP_JOB } from '../images';
import { createLogger } from '../log';
import { UNMATCHED_ROUTE } from '../metrics';
import { Scrape } from '../testing/metrics';
import { formData, makeJpeg, makeTruncatedJpeg } from '../testing/photos';
import { freePort } from '../testing/redis';
import { createTestServices, TEST_BASE_URL, TEST_TICK_SECRET } from '../testing/services';
import { createProductionServer } from './http';
import { listenMetrics } from './metrics-server';

// The issue's acceptance test: photos developed (and one that fails) through the production
// server's own path (node:http → Hono; a stub stands in for Next, so no build is needed), then
// the scrape parsed with a Prometheus text-format parser and compared with what happened.

const TOKEN = 'metrics-token-0123456789abcdef';
const HISTOGRAM = 'darkroom_http_request_duration_seconds';
const JOBS = 'darkroom_jobs_finished_total';

async function serve(env: Record<string, string>) {
  const services = await createTestServices('postgres', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_CONCURRENCY: '0', ...env });
  const http = createProductionServer(services, (_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const port = await http.listen(0, '127.0.0.1');
  return {
    services,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await http.close(100);
      await services.close();
    },
  };
}
type Served = Awaited<ReturnType<typeof serve>>;

const scrapeWith = (url: string, token?: string) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function scrape(url: string, token?: string): Promise<Scrape> {
  const res = await scrapeWith(url, token);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return new Scrape(await res.text());
}

/** The owner's session cookie, through setup and sign-in over HTTP. */
async function ownerCookie(url: string): Promise<string> {
  const owner = { email: 'owner@example.com', password: 'owner-password', name: 'Owner' };
  const json = { 'content-type': 'application/json', origin: TEST_BASE_URL };
  expect((await fetch(`${url}/api/v1/setup`, { method: 'POST', headers: json, body: JSON.stringify(owner) })).status).toBe(201);
  const signIn = await fetch(`${url}/api/auth/sign-in/email`, { method: 'POST', headers: json, body: JSON.stringify(owner) });
  expect(signIn.status).toBe(200);
  return signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

describe('metrics behind METRICS_TOKEN after photos were developed and one failed', () => {
  let s: Served;
  let before: Scrape;
  let after: Scrape;
  const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
  const countDelta = (name: string, labels: Record<string, string>) => after.count(name, labels) - before.count(name, labels);
  let ticks = 0;

  beforeAll(async () => {
    s = await serve({ METRICS_TOKEN: TOKEN, UPLOAD_RATE_LIMIT_PER_MINUTE: '2' });
    const metricsUrl = `${s.url}/api/v1/metrics`;
    const cookie = await ownerCookie(s.url);
    before = await scrape(metricsUrl, TOKEN);

    const upload = (files: { name: string; data: Buffer }[]) =>
      fetch(`${s.url}/api/v1/admin/images`, { method: 'POST', headers: { cookie, origin: TEST_BASE_URL }, body: formData(files) });
    const good = await Promise.all([1, 2, 3].map(async (seed) => ({ name: `good-${seed}.jpg`, data: await makeJpeg({ width: 320, height: 240, seed }) })));
    expect((await upload(good)).status).toBe(202);
    const doomed = await upload([{ name: 'doomed.jpg', data: await makeJpeg({ width: 320, height: 240, seed: 9 }) }]);
    expect(doomed.status).toBe(202);
    // The third upload in the minute is over UPLOAD_RATE_LIMIT_PER_MINUTE=2.
    expect((await upload([{ name: 'late.jpg', data: await makeJpeg({ seed: 10 }) }])).status).toBe(429);

    // It passed inspection; its stored original is then damaged, so developing it fails for good.
    const [{ id }] = ((await doomed.json()) as { items: [{ id: string }] }).items;
    const [row] = await s.services.db.select({ key: schema.images.originalKey }).from(schema.images).where(eq(schema.images.id, id));
    if (!row) throw new Error('the uploaded image has no row');
    await s.services.storage.put(row.key, await makeTruncatedJpeg(), 'image/jpeg');

    // The external-cron driver develops everything; every tick is a request the histogram counts.
    for (let queued = 4; queued > 0 && ticks < 20; ticks++) {
      const tick = await fetch(`${s.url}/api/v1/preprocess-tasks/tick`, { method: 'POST', headers: { 'x-preprocess-tick-secret': TEST_TICK_SECRET } });
      expect(tick.status).toBe(200);
      const status = (await (await fetch(`${s.url}/api/v1/status`)).json()) as { queue: { queued: number; running: number } };
      queued = status.queue.queued + status.queue.running;
    }

    // Public reads: an unknown album is not cached (two misses); the album list is (a miss, then a hit).
    for (let i = 0; i < 2; i++) expect((await fetch(`${s.url}/api/v1/albums/no-such-album`)).status).toBe(404);
    for (let i = 0; i < 2; i++) expect((await fetch(`${s.url}/api/v1/albums`)).status).toBe(200);
    expect((await fetch(`${s.url}/api/v1/wp-admin/install.php`)).status).toBe(404);
    after = await scrape(metricsUrl, TOKEN);
  }, 180_000);
  afterAll(() => s?.close());

  it('counts three photos developed and one failed, by outcome, with their develop durations', () => {
    expect(after.family(JOBS).type).toBe('COUNTER');
    expect(delta(JOBS, { kind: DEVELOP_JOB, outcome: 'succeeded' })).toBe(3);
    expect(delta(JOBS, { kind: DEVELOP_JOB, outcome: 'failed' })).toBe(1);
    for (const outcome of ['retrying', 'released', 'lost', 'cancelled']) expect(delta(JOBS, { kind: DEVELOP_JOB, outcome })).toBe(0);
    expect(countDelta('darkroom_develop_duration_seconds', { outcome: 'succeeded' })).toBe(3);
    expect(countDelta('darkroom_develop_duration_seconds', { outcome: 'failed' })).toBe(1);
  });

  it('reads the queue from PostgreSQL at scrape time: nothing waits, 3 succeeded, 1 failed', () => {
    expect(after.family('darkroom_queue_jobs').type).toBe('GAUGE');
    expect(after.value('darkroom_queue_jobs', { status: 'queued' })).toBe(0);
    expect(after.value('darkroom_queue_jobs', { status: 'running' })).toBe(0);
    expect(after.value('darkroom_queue_jobs', { status: 'succeeded' })).toBe(3);
    expect(after.value('darkroom_queue_jobs', { status: 'failed' })).toBe(1);
    expect(after.value('darkroom_queue_oldest_queued_age_seconds')).toBe(0);
  });

  it('counts each request under its route template and status, the metrics scrapes not included', () => {
    expect(countDelta(HISTOGRAM, { method: 'POST', route: '/api/v1/admin/images', status: '202' })).toBe(2);
    expect(countDelta(HISTOGRAM, { method: 'POST', route: '/api/v1/admin/images', status: '429' })).toBe(1);
    expect(countDelta(HISTOGRAM, { method: 'POST', route: '/api/v1/preprocess-tasks/tick', status: '200' })).toBe(ticks);
    expect(countDelta(HISTOGRAM, { method: 'GET', route: '/api/v1/status', status: '200' })).toBe(ticks);
    expect(countDelta(HISTOGRAM, { method: 'GET', route: '/api/v1/albums/{slug}', status: '404' })).toBe(2);
    expect(countDelta(HISTOGRAM, { method: 'GET', route: '/api/v1/albums', status: '200' })).toBe(2);
    expect(countDelta(HISTOGRAM, { method: 'GET', route: UNMATCHED_ROUTE, status: '404' })).toBe(1);
    expect(countDelta(HISTOGRAM, { method: 'POST', route: '/api/v1/setup', status: '201' })).toBe(0); // before the first scrape
    expect(after.labelValues(`${HISTOGRAM}_count`, 'route')).not.toContain('/api/v1/metrics');
    expect(after.text).not.toMatch(/no-such-album|wp-admin/);
  });

  it('counts the rate-limit refusal, the public cache miss and hit, and shows the fleet and the process', async () => {
    expect(delta('darkroom_rate_limit_refusals_total', { limiter: 'upload' })).toBe(1);
    expect(delta('darkroom_cache_misses_total', { namespace: 'public' })).toBe(3);
    expect(delta('darkroom_cache_hits_total', { namespace: 'public' })).toBe(1);
    expect(after.value('darkroom_cache_errors_total')).toBe(0);
    const status = (await (await fetch(`${s.url}/api/v1/status`)).json()) as { workersOnline: number; workersAvailable: number; freeSlots: number };
    expect(after.value('darkroom_workers_online')).toBe(status.workersOnline);
    expect(after.value('darkroom_workers_drained')).toBe(status.workersOnline - status.workersAvailable);
    expect(after.value('darkroom_worker_free_slots')).toBe(status.freeSlots);
    // CACHE_MODE=local has no backend to be down.
    expect(after.samples('darkroom_cache_backend_up')).toEqual([]);
    expect(after.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(after.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('refuses a scrape without the token, or with a wrong one, with 401', async () => {
    for (const token of [undefined, 'wrong-token-0123456789abcdef', `${TOKEN}x`]) {
      const res = await scrapeWith(`${s.url}/api/v1/metrics`, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.text()).not.toContain('darkroom_');
    }
    const basic = await fetch(`${s.url}/api/v1/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
  });
});

describe('metrics on METRICS_PORT', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
  });

  async function withMetricsPort(env: Record<string, string>) {
    const s = await serve({ METRICS_PORT: String(await freePort()), ...env });
    servers.push(s);
    const metrics = await listenMetrics(s.services.config, createLogger({ level: 'silent' }));
    if (!metrics) throw new Error('METRICS_PORT is set, yet no metrics server started');
    servers.push(metrics);
    return { s, port: `http://127.0.0.1:${s.services.config.metrics.port}` };
  }

  it('serves /metrics there and nothing on the main port, which says how to enable it', async () => {
    const { s, port } = await withMetricsPort({});
    const text = await scrape(`${port}/metrics`);
    expect(text.family(JOBS).type).toBe('COUNTER');
    expect((await scrape(`${port}/api/v1/metrics`)).family(HISTOGRAM).type).toBe('HISTOGRAM');
    expect((await fetch(`${port}/api/v1/status`)).status).toBe(404);

    for (const token of [undefined, TOKEN]) {
      const main = await scrapeWith(`${s.url}/api/v1/metrics`, token);
      expect(main.status).toBe(404);
      const body = (await main.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message).toMatch(/METRICS_TOKEN.*METRICS_PORT/);
    }
  });

  it('with METRICS_TOKEN also set, both the port and the main address want the token', async () => {
    const { s, port } = await withMetricsPort({ METRICS_TOKEN: TOKEN });
    expect((await scrapeWith(`${port}/metrics`)).status).toBe(401);
    expect((await scrapeWith(`${s.url}/api/v1/metrics`)).status).toBe(401);
    await scrape(`${port}/metrics`, TOKEN);
    await scrape(`${s.url}/api/v1/metrics`, TOKEN);
  });
});
