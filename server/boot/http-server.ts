import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { API_BASE, AUTH_BASE } from '../http/paths';

type Listener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Routes {
  /** API_BASE/* */
  api: Listener;
  /** AUTH_BASE/* */
  auth: Listener;
  /** everything else (Next) */
  web: Listener;
  /** Set on every request from resolveClientIp, replacing whatever the client sent under that name. */
  clientIpHeader: string;
  /** The client address from the socket and X-Forwarded-For (TRUSTED_PROXIES); default: the socket address. */
  resolveClientIp?: (socketAddress: string | undefined, forwardedFor: string | string[] | undefined) => string;
}

/** The last answer per connection: a keep-alive connection asks again with the same inputs. */
const lastIp = new WeakMap<Socket, { forwardedFor: string | string[] | undefined; ip: string }>();

function clientIpOf(req: IncomingMessage, routes: Routes): string {
  const forwardedFor = req.headers['x-forwarded-for'];
  const last = lastIp.get(req.socket);
  if (last && last.forwardedFor === forwardedFor) return last.ip;
  const ip = routes.resolveClientIp ? routes.resolveClientIp(req.socket.remoteAddress, forwardedFor) : (req.socket.remoteAddress ?? '');
  lastIp.set(req.socket, { forwardedFor, ip });
  return ip;
}

/**
 * Replaces whatever the client sent under the client-IP header: rate limits and session
 * records use it. Both views change, as @hono/node-server builds its Request from rawHeaders.
 */
function setClientIp(req: IncomingMessage, routes: Routes): void {
  const ip = clientIpOf(req, routes);
  const name = routes.clientIpHeader.toLowerCase();
  const raw = req.rawHeaders;
  let sent = false;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] ?? '';
    if (key.length === name.length && key.toLowerCase() === name) sent = true;
  }
  if (sent) {
    // Rare (only a client forging it): rebuilt without every copy it sent.
    const kept: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i] ?? '';
      if (key.toLowerCase() !== name) kept.push(key, raw[i + 1] ?? '');
    }
    req.rawHeaders = kept;
  }
  req.rawHeaders.push(name, ip);
  req.headers[name] = ip;
}

/**
 * One node:http server that hands the API and auth straight to their fetch handlers
 * and everything else to Next (DESIGN.md "Processes and entry points").
 */
export function createHttpServer(routes: Routes) {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    setClientIp(req, routes);
    const url = req.url ?? '/';
    const target = url.startsWith(`${API_BASE}/`) || url === API_BASE ? routes.api : url.startsWith(`${AUTH_BASE}/`) ? routes.auth : routes.web;
    Promise.resolve(target(req, res)).catch((error: unknown) => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      }
      server.emit('handlerError', error);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen: (port: number, host: string) => listenOn(server, port, host),
    /** Stops accepting, lets in-flight requests finish, then cuts idle keep-alives. */
    close(graceMs = 10_000) {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, graceMs).unref();
      });
    },
  };
}

/** Starts `server` on host:port; resolves with the port it got (port 0 picks a free one). */
export function listenOn(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
