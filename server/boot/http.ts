/*
 * The production HTTP server without Next: /api/v1 to the Hono app and /api/auth to
 * better-auth, both straight from node:http, with the client address decided here. With
 * server/boot/main.ts the only server file that may import the Hono app (eslint.config.mjs).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApp, setApp } from '../../hono';
import { CLIENT_IP_HEADER, socketClientIp } from '../http/client-ip';
import { createHttpServer } from './http-server';
import type { Services } from './runtime';

export function createProductionServer(services: Services, web: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) {
  const api = createApp(services);
  setApp(api);
  return createHttpServer({
    api: getRequestListener(api.fetch),
    auth: getRequestListener(services.authHandler),
    web,
    clientIpHeader: CLIENT_IP_HEADER,
    resolveClientIp: socketClientIp(services.config),
  });
}
