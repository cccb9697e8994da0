/*
 * Baselines for bench/api.ts: the smallest Hono server that answers the same routes, with
 * no Darkroom middleware, no services and no Next. Not part of the product.
 *   GET /api/v1/health         {"status":"ok"}
 *   GET /api/v1/albums/:slug   exactly one Redis GET (key bench:album:<slug>), its JSON as the body
 *
 * With BARE_HONO_OBSERVED=1, the product's own middleware for what every request carries runs
 * first (requestContext, hono/middleware/request-context.ts): the X-Request-Id, the duration
 * histogram of /api/v1/metrics and one line in the batched access log at the default level
 * (info). It asks how much of the distance to bare Hono those three take, whatever the rest
 * of the server does.
 *
 *   PORT=3999 REDIS_URL=redis://127.0.0.1:6379/3 npx tsx bench/bare-hono.ts
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import type { AppEnv } from '../hono/env';
import { requestContext } from '../hono/middleware/request-context';
import type { Services } from '../server/boot';
import { createAccessLog, flushLogger } from '../server/log';

// bench/api.ts writes the value under this key before loading.
const albumKey = (slug: string) => `bench:album:${slug}`;

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const observed = process.env.BARE_HONO_OBSERVED === '1';
const accessLog = observed ? createAccessLog('info') : undefined;

const app = new Hono<AppEnv>();
// The access log is all requestContext reads from the services.
if (accessLog) app.use('*', requestContext({ accessLog } as unknown as Services, '/api/v1/metrics'));
app.get('/api/v1/health', (c) => c.json({ status: 'ok' }));
app.get('/api/v1/albums/:slug', async (c) => {
  const json = await redis.get(albumKey(c.req.param('slug')));
  if (json === null) return c.json({ error: { code: 'NOT_FOUND' } }, 404);
  return c.body(json, 200, { 'content-type': 'application/json' });
});

const port = Number(process.env.PORT ?? 3999);
const hostname = process.env.HOST ?? '127.0.0.1';
const server = serve({ fetch: app.fetch, port, hostname });

const stop = () => server.close(() => void Promise.all([redis.quit(), accessLog && flushLogger(accessLog)]).finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
