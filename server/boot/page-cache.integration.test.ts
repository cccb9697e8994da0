import http, { type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheManager } from '../cache';
import { directRedis, testManager, uniqueNamespace } from '../cache/test-support';
import { startPrivateRedis } from '../testing/redis';
import { until } from '../testing/processes';
import { JOIN_MS, pageCacheKey, type WebHandler, withPageCache } from './page-cache';

/*
 * The page cache over real sockets and a real cache manager (the shared Redis, or a private
 * one killed for an outage), with a stub in Next's place that streams its answer the way
 * Next does and counts what it renders.
 */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function stubNext() {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const state: { version: number; gate?: Promise<void> } = { version: 1 };
  const handler: WebHandler = async (req, res) => {
    const url = req.url ?? '/';
    const version = state.version; // what the render reads, before any gate
    seen.push({ url, headers: { ...req.headers } });
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('x-render-detail', 'not for replay');
    if (url.startsWith('/p/missing')) {
      res.statusCode = 404;
      res.end('<h1>not found</h1>');
      return;
    }
    if (url === '/a/with-cookie') res.setHeader('set-cookie', 'visitor=1; Path=/; HttpOnly');
    await state.gate;
    res.writeHead(200, { 'cache-control': 'private, no-cache, no-store, max-age=0, must-revalidate' });
    res.flushHeaders();
    res.write(`<html><body>${url} v${version} `);
    if (url === '/a/large') res.write('<p>a long page</p>'.repeat(200));
    await new Promise((resolve) => setImmediate(resolve));
    res.write(Buffer.from('é—ü '));
    res.end('</body></html>');
  };
  return { handler, seen, state, renders: (url: string) => seen.filter((s) => s.url === url).length };
}

async function serve(manager: CacheManager, buildId = 'build-1', namespace = uniqueNamespace('pages'), now?: () => number) {
  const next = stubNext();
  const cache = manager.cache(namespace);
  const listener = withPageCache(next.handler, { cache, ttlSeconds: 60, buildId, now });
  const received = { count: 0 };
  const server = http.createServer((req, res) => {
    received.count += 1;
    void Promise.resolve(listener(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const get = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
    return { status: res.status, headers: res.headers, body: await res.text() };
  };
  return { next, cache, get, namespace, received };
}

function gate() {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function strictManager(redisUrl?: string) {
  const { manager, advance } = testManager({ mode: 'strict', ...(redisUrl ? { redisUrl } : {}), cooldownMs: 60_000 });
  cleanup.push(() => manager.close());
  await manager.init();
  return { manager, advance };
}

describe('the gallery page cache', () => {
  it('stores a 200 in Redis once, then serves it without rendering; the body is exactly what Next wrote', async () => {
    const { manager } = await strictManager();
    const { next, get } = await serve(manager);
    const first = await get('/a/summer', { headers: { 'accept-encoding': 'gzip, br', 'if-none-match': '"abc"' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.headers.get('x-cache-backend')).toBe('redis');
    expect(first.body).toBe('<html><body>/a/summer v1 é—ü </body></html>');
    // Next is asked for the plain, unconditional body, so what is stored is what every visitor can get.
    expect(next.seen[0]?.headers['accept-encoding']).toBeUndefined();
    expect(next.seen[0]?.headers['if-none-match']).toBeUndefined();

    next.state.version = 2; // a render now would show it
    const second = await get('/a/summer');
    expect(second).toMatchObject({ status: 200, body: first.body });
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('x-cache-backend')).toBe('redis');
    expect(second.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(second.headers.get('cache-control')).toBe('private, no-cache, no-store, max-age=0, must-revalidate');
    expect(second.headers.get('x-render-detail')).toBeNull();
    expect(next.renders('/a/summer')).toBe(1);

    const head = await get('/a/summer', { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers.get('x-cache')).toBe('HIT');
    expect(next.renders('/a/summer')).toBe(1);
  });

  it('a large page is stored gzipped too: visitors that accept gzip get it, others the plain body', async () => {
    const { manager } = await strictManager();
    const { next, get } = await serve(manager);
    const plain = await get('/a/large', { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.body).toContain('a long page');
    for (const expected of ['HIT', 'HIT']) {
      const zipped = await get('/a/large', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(zipped.headers.get('x-cache')).toBe(expected);
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(Number(zipped.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(plain.body) / 5);
      expect(zipped.body).toBe(plain.body); // fetch inflates it
      expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    }
    expect(next.renders('/a/large')).toBe(1);
    // On the miss that stores it, the visitor already gets the gzipped body.
    const other = await serve(manager);
    const miss = await other.get('/a/large', { headers: { 'accept-encoding': 'gzip' } });
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(miss.headers.get('content-encoding')).toBe('gzip');
  });

  it('concurrent misses of one URL wait for the render in flight instead of rendering again', async () => {
    const { manager } = await strictManager();
    const { next, get, received } = await serve(manager);
    const g = gate();
    next.state.gate = g.promise;
    const leader = get('/a/busy');
    await until('the first render to start', () => next.renders('/a/busy') === 1);
    const followers = Array.from({ length: 4 }, () => get('/a/busy'));
    await until('the server to receive the other four', () => received.count === 5);
    g.open();
    const answers = await Promise.all([leader, ...followers]);
    expect(next.renders('/a/busy')).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.map((a) => [a.status, a.headers.get('x-cache'), a.headers.get('x-cache-backend')])).toEqual(answers.map(() => [200, 'MISS', 'redis']));
  });

  it(`a render in flight for more than ${JOIN_MS} ms is not joined: its data may predate a write`, async () => {
    const { manager } = await strictManager();
    let clock = 1_000_000;
    const { next, get } = await serve(manager, 'build-1', uniqueNamespace('pages'), () => clock);
    const g = gate();
    next.state.gate = g.promise;
    const first = get('/a/slow');
    await until('the first render to start', () => next.renders('/a/slow') === 1);
    clock += JOIN_MS + 1;
    next.state.version = 2;
    const second = get('/a/slow');
    await until('a second render to start', () => next.renders('/a/slow') === 2);
    g.open();
    expect((await first).body).toContain('v1');
    expect((await second).body).toContain('v2');
  });

  it('a render that is not stored (a cookie, a 404) is not shared either', async () => {
    const { manager } = await strictManager();
    const { next, get, received } = await serve(manager);
    const g = gate();
    next.state.gate = g.promise;
    const leader = get('/a/with-cookie');
    await until('the first render to start', () => next.renders('/a/with-cookie') === 1);
    const follower = get('/a/with-cookie');
    await until('the server to receive the second', () => received.count === 2);
    g.open();
    await Promise.all([leader, follower]);
    expect(next.renders('/a/with-cookie')).toBe(2);
  });

  it('the path is the key: a made-up query and cookies share the stored page', async () => {
    const { manager } = await strictManager();
    const { next, get } = await serve(manager);
    expect((await get('/a/summer?utm_source=feed')).headers.get('x-cache')).toBe('MISS');
    expect((await get('/a/summer?bust=20')).headers.get('x-cache')).toBe('HIT');
    expect((await get('/a/summer', { headers: { cookie: 'darkroom.session_token=x' } })).headers.get('x-cache')).toBe('HIT');
    expect(next.renders('/a/summer?utm_source=feed')).toBe(1);
    expect(next.renders('/a/summer?bust=20')).toBe(0);
  });

  it('never stores a response that sets a cookie, nor one that is not a 200', async () => {
    const { manager } = await strictManager();
    const { next, get, cache } = await serve(manager);
    for (let i = 0; i < 2; i++) {
      const res = await get('/a/with-cookie');
      expect(res.headers.get('x-cache')).toBe('MISS');
      // The visitor who caused it still gets the cookie Next set for them.
      expect(res.headers.get('set-cookie')).toContain('visitor=1');
      const missing = await get('/p/missing');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-cache')).toBe('MISS');
    }
    expect(next.renders('/a/with-cookie')).toBe(2);
    expect(next.renders('/p/missing')).toBe(2);
    expect((await cache.get(pageCacheKey('build-1', '/a/with-cookie'))).value).toBeUndefined();
    expect((await cache.get(pageCacheKey('build-1', '/p/missing'))).value).toBeUndefined();
  });

  it('client navigations, share pages and admin pages always go to Next', async () => {
    const { manager } = await strictManager();
    const { next, get } = await serve(manager);
    for (let i = 0; i < 2; i++) {
      for (const [path, headers] of [
        ['/a/summer', { rsc: '1' }],
        ['/a/summer?_rsc=x1', {}],
        ['/s/token', {}],
        ['/admin', {}],
      ] as const) {
        const res = await get(path, { headers });
        expect(res.headers.get('x-cache'), path).toBeNull();
        expect(res.headers.get('accept-encoding')).toBeNull();
      }
    }
    expect(next.renders('/a/summer')).toBe(2);
    expect(next.renders('/s/token')).toBe(2);
    expect(next.renders('/admin')).toBe(2);
  });

  it('a new build id never serves the previous build’s pages', async () => {
    const { manager } = await strictManager();
    const namespace = uniqueNamespace('pages');
    const old = await serve(manager, 'build-1', namespace);
    await old.get('/');
    expect((await old.get('/')).headers.get('x-cache')).toBe('HIT');
    const fresh = await serve(manager, 'build-2', namespace);
    expect((await fresh.get('/')).headers.get('x-cache')).toBe('MISS');
    expect(fresh.next.renders('/')).toBe(1);
    const redis = directRedis();
    cleanup.push(async () => void redis.disconnect());
    const keys = await redis.keys(`darkroom:cache:${namespace}:*`);
    expect(keys.some((k) => k.includes('build-1'))).toBe(true);
    expect(keys.some((k) => k.includes('build-2'))).toBe(true);
  });

  it('an invalidation of the namespace (what every admin write does) is seen by the next request', async () => {
    const { manager } = await strictManager();
    const { next, get, cache } = await serve(manager);
    await get('/');
    next.state.version = 2;
    await cache.invalidateAll();
    const after = await get('/');
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.body).toContain('v2');
  });

  it('strict mode with Redis down: every page rendered uncached and fresh (X-Cache-Backend: none), never from a process cache', async () => {
    const redis = await startPrivateRedis();
    cleanup.push(() => redis.kill());
    const { manager } = await strictManager(redis.url);
    const { next, get } = await serve(manager);
    expect((await get('/a/summer')).headers.get('x-cache-backend')).toBe('redis');
    await redis.kill();
    for (let version = 2; version <= 4; version++) {
      next.state.version = version;
      const res = await get('/a/summer');
      expect(res.status).toBe(200);
      expect(res.body).toContain(`v${version}`);
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(res.headers.get('x-cache-backend')).toBe('none');
    }
    const head = await get('/a/summer', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-cache-backend')).toBe('none');
  });

  it('degraded mode with Redis down: the process-local fallback serves a page for at most 1 s', async () => {
    const { manager, advance } = testManager({ mode: 'degraded', redisUrl: 'redis://127.0.0.1:1', cooldownMs: 60_000, degradedTtlSeconds: 1 });
    cleanup.push(() => manager.close());
    await manager.init();
    const { next, get } = await serve(manager);
    const first = await get('/a/summer');
    expect(first.headers.get('x-cache-backend')).toBe('local-degraded');
    next.state.version = 2;
    advance(900);
    const hit = await get('/a/summer');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('x-cache-backend')).toBe('local-degraded');
    expect(hit.body).toContain('v1');
    advance(200);
    const later = await get('/a/summer');
    expect(later.headers.get('x-cache')).toBe('MISS');
    expect(later.body).toContain('v2');
  });

  it('local mode: per-process, tagged local', async () => {
    const { manager } = testManager({ mode: 'local' });
    cleanup.push(() => manager.close());
    await manager.init();
    const { get } = await serve(manager);
    await get('/feed.xml');
    const res = await get('/feed.xml');
    expect(res.headers.get('x-cache')).toBe('HIT');
    expect(res.headers.get('x-cache-backend')).toBe('local');
  });
});
