/*
 * The production HTTP server: /api/v1 to the Hono app and /api/auth to better-auth, both
 * straight from node:http with the client address decided here, and everything else to
 * Next. The one server file that may import Hono and Next (eslint.config.mjs).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApp, setApp } from '../../hono';
import { CLIENT_IP_HEADER, socketClientIp } from '../http/client-ip';
import { AUTH_ROUTE, PAGES_ROUTE } from '../metrics';
import { createHttpServer } from './http-server';
import { timedListener } from './metrics-server';
import { withPageCache } from './page-cache';
import type { Services } from './runtime';

type WebHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ProductionServerOptions {
  /** Gallery pages through the shared public cache (page-cache.ts), keyed by this build id; absent: every page rendered. */
  pageCache?: { buildId: string };
}

/** `web` answers what is neither API nor auth: Next's handler in production, a stub in tests. */
export function createProductionServer(services: Services, web: WebHandler, options: ProductionServerOptions = {}) {
  const api = createApp(services);
  setApp(api);
  const pages = options.pageCache
    ? withPageCache(web, { cache: services.cache.public, ttlSeconds: services.config.publicCacheTtlSeconds, buildId: options.pageCache.buildId })
    : web;
  return createHttpServer({
    api: getRequestListener(api.fetch),
    auth: timedListener(AUTH_ROUTE, getRequestListener(services.authHandler)),
    // Every page is one label: page paths carry slugs and ids, and the API is where latency is watched.
    web: timedListener(PAGES_ROUTE, pages),
    clientIpHeader: CLIENT_IP_HEADER,
    resolveClientIp: socketClientIp(services.config),
  });
}

/**
 * Next's request handler over the production build in `dir`. Next is loaded here, on
 * demand, so the API-only uses of this file (tests, benchmarks) never load it.
 */
export async function startNext(options: { dir: string; host: string; port: number }): Promise<{ handle: WebHandler; close(): Promise<void> }> {
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: options.dir, hostname: options.host, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  return { handle: (req, res) => handle(req, res), close: () => app.close() };
}
