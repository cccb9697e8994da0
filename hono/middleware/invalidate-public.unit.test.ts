import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Services } from '../../server/boot';
import type { AppEnv } from '../env';
import { invalidatePublic } from './invalidate-public';

/** The middleware alone over stub routes: which admin writes clear the public cache (API and gallery pages). */
function appWith(calls: string[]) {
  const app = new Hono<AppEnv>();
  const services: Pick<Services, 'invalidatePublic'> = { invalidatePublic: async () => void calls.push('invalidated') };
  app.use('*', async (c, next) => {
    c.set('services', services as Services);
    await next();
  });
  app.use('*', invalidatePublic());
  app.all('/api/v1/admin/*', (c) => (c.req.header('x-fail') ? c.json({}, 400) : c.json({})));
  return app;
}

describe('invalidatePublic', () => {
  it.each([
    ['PATCH', '/api/v1/admin/albums/a1'],
    ['DELETE', '/api/v1/admin/images/i1'],
    ['POST', '/api/v1/admin/albums/a1/shares/s1/revoke'],
    ['PATCH', '/api/v1/admin/settings'],
    ['DELETE', '/api/v1/admin/tags/t1'],
  ])('%s %s clears the public cache', async (method, path) => {
    const calls: string[] = [];
    expect((await appWith(calls).request(path, { method })).status).toBe(200);
    expect(calls).toEqual(['invalidated']);
  });

  it.each([
    ['GET', '/api/v1/admin/settings', {}],
    ['PATCH', '/api/v1/admin/settings', { 'x-fail': '1' }],
    ['POST', '/api/v1/admin/users', {}],
    ['POST', '/api/v1/admin/settingsx', {}],
  ])('%s %s (%o) leaves it alone', async (method, path, headers) => {
    const calls: string[] = [];
    await appWith(calls).request(path, { method, headers });
    expect(calls).toEqual([]);
  });
});
