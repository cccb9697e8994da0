import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMetrics, renderMetrics, routeTemplate, UNMATCHED_ROUTE } from '../../server/metrics';
import { Scrape } from '../../server/testing/metrics';
import type { Services } from '../../server/boot';
import { createLogger } from '../../server/log';
import type { AppEnv } from '../env';
import { markUnmatched } from './metrics';
import { requestContext } from './request-context';

const HISTOGRAM = 'darkroom_http_request_duration_seconds';

/** A small app shaped like ours: base path, a guard on /admin/*, parameters with and without constraints. */
function app() {
  const api = new Hono<AppEnv>().basePath('/api/v1');
  // The middleware that records the histogram; it also writes the access line, here nowhere.
  api.use('*', requestContext({ accessLog: createLogger({ level: 'silent' }) } as unknown as Services, '/api/v1/metrics'));
  api.use('/admin/*', async (c, next) => (c.req.header('cookie') ? next() : c.json({}, 401)));
  api.get('/albums/:slug', (c) => c.json({ slug: c.req.param('slug') }));
  api.get('/images/:id{[0-9a-f-]+}', (c) => c.json({}));
  api.get('/files/*', (c) => c.body('bytes'));
  api.post('/admin/albums/:id/shares', (c) => c.json({}, 201));
  api.get('/metrics', (c) => c.text('scrape'));
  api.get('/boom', () => {
    throw new Error('boom');
  });
  api.onError((_, c) => c.json({}, 500));
  api.notFound((c) => {
    markUnmatched(c);
    return c.json({}, 404);
  });
  return api;
}

async function scrape() {
  return new Scrape((await renderMetrics()).body);
}

describe('routeTemplate', () => {
  it.each([
    ['/api/v1/albums/:slug', '/api/v1/albums/{slug}'],
    ['/api/v1/images/:id{[0-9a-f-]+}', '/api/v1/images/{id}'],
    ['/api/v1/admin/albums/:id/shares/:shareId', '/api/v1/admin/albums/{id}/shares/{shareId}'],
    ['/api/v1/x/:n{\\d{1,3}}', '/api/v1/x/{n}'],
    ['/api/v1/files/*', '/api/v1/files/*'],
    ['/api/v1/status', '/api/v1/status'],
  ])('%s is labelled %s', (pattern, label) => {
    expect(routeTemplate(pattern)).toBe(label);
  });
});

describe('the request histogram', () => {
  beforeEach(() => processMetrics().httpRequestDuration.reset());

  it('labels requests by the matched route template, never by the raw path', async () => {
    const api = app();
    const raw = ['/api/v1/albums/my-trip-to-rome', '/api/v1/albums/another', '/api/v1/images/0a1b2c', '/api/v1/files/variants/abc/640.avif'];
    for (const path of raw) expect((await api.request(path)).status).toBe(200);
    expect((await api.request('/api/v1/admin/albums/secret-id/shares', { method: 'POST', headers: { cookie: 'x' } })).status).toBe(201);

    const s = await scrape();
    expect(s.count(HISTOGRAM, { method: 'GET', route: '/api/v1/albums/{slug}', status: '200' })).toBe(2);
    expect(s.count(HISTOGRAM, { route: '/api/v1/images/{id}' })).toBe(1);
    expect(s.count(HISTOGRAM, { route: '/api/v1/files/*' })).toBe(1);
    expect(s.count(HISTOGRAM, { method: 'POST', route: '/api/v1/admin/albums/{id}/shares', status: '201' })).toBe(1);
    const routes = s.labelValues(`${HISTOGRAM}_count`, 'route');
    for (const value of ['my-trip-to-rome', 'another', '0a1b2c', 'variants', 'secret-id']) expect(routes.join(' ')).not.toContain(value);
  });

  it('counts every unknown path as one label value; a guard that answers first counts under the route it guards, or its own pattern', async () => {
    const api = app();
    for (const path of ['/api/v1/nope', '/api/v1/wp-login.php', '/api/v1/albums/a/b/c', '/api/v1/images/NOT-HEX']) {
      expect((await api.request(path)).status).toBe(404);
    }
    expect((await api.request('/api/v1/admin/albums/x/shares', { method: 'POST' })).status).toBe(401);
    expect((await api.request('/api/v1/admin/whatever/secret-name')).status).toBe(401);
    // Right path, wrong method: no route took it either.
    expect((await api.request('/api/v1/albums/x', { method: 'DELETE' })).status).toBe(404);

    const s = await scrape();
    expect(s.count(HISTOGRAM, { route: UNMATCHED_ROUTE, status: '404' })).toBe(5);
    expect(s.count(HISTOGRAM, { route: '/api/v1/admin/albums/{id}/shares', status: '401' })).toBe(1);
    expect(s.count(HISTOGRAM, { route: '/api/v1/admin/*', status: '401' })).toBe(1);
    expect(s.labelValues(`${HISTOGRAM}_count`, 'route').sort()).toEqual([UNMATCHED_ROUTE, '/api/v1/admin/*', '/api/v1/admin/albums/{id}/shares'].sort());
  });

  it('records the status of a handler that threw, and invented methods as OTHER', async () => {
    const api = app();
    expect((await api.request('/api/v1/boom')).status).toBe(500);
    expect((await api.request('/api/v1/albums/x', { method: 'PROPFIND' })).status).toBe(404);
    const s = await scrape();
    expect(s.count(HISTOGRAM, { method: 'GET', route: '/api/v1/boom', status: '500' })).toBe(1);
    expect(s.count(HISTOGRAM, { method: 'OTHER', route: UNMATCHED_ROUTE })).toBe(1);
  });

  it('does not count the metrics endpoint itself', async () => {
    const api = app();
    expect((await api.request('/api/v1/metrics')).status).toBe(200);
    const s = await scrape();
    expect(s.family(HISTOGRAM).type).toBe('HISTOGRAM');
    expect(s.text).not.toContain(`${HISTOGRAM}_count{`);
  });
});
