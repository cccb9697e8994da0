/*
 * Baseline for bench/api.ts: the smallest Hono server that answers the same route, with
 * no Darkroom middleware, no services and no Next. Not part of the product.
 *
 *   PORT=3999 npx tsx bench/bare-hono.ts
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/api/v1/health', (c) => c.json({ status: 'ok' }));

const port = Number(process.env.PORT ?? 3999);
const hostname = process.env.HOST ?? '127.0.0.1';
const server = serve({ fetch: app.fetch, port, hostname });

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
