/*
 * Whole-page cache for the public gallery, in front of Next in the production server. Pages
 * live in the shared public cache namespace, so the invalidation every admin write already
 * makes (hono/middleware/invalidate-public.ts) reaches every replica's pages at once, and
 * CACHE_MODE means exactly what it means for the JSON API. Gallery pages must not depend on
 * the visitor's cookies: what one visitor gets is what every visitor gets.
 */
import fs from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { z } from 'zod';
import type { Cache, CacheBackend } from '../cache';

export type WebHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface PageCacheOptions {
  cache: Cache;
  ttlSeconds: number;
  /** Next's build id: a new build never serves pages rendered by the previous one. */
  buildId: string;
  /** Clock for joining renders in flight; tests pass a fake one. */
  now?: () => number;
}

/** How old a render in flight may be for a concurrent miss of the same URL to wait for it. */
export const JOIN_MS = 250;

/** `/`, `/a/<slug>`, `/p/<id>` and the feeds; never /s/*, /admin, /login, /setup, /_next. */
const GALLERY_PATH = /^\/(?:a\/[^/]+|p\/[^/]+|feed\.xml|sitemap\.xml|robots\.txt)?$/;
/** Client-side navigation asks for RSC payloads, which differ from the document. */
const ROUTER_HEADERS = ['rsc', 'next-router-state-tree', 'next-router-prefetch', 'next-url', 'next-action'];
const MAX_URL_LENGTH = 2048;
/** Replayed from a stored page; everything else (set-cookie above all) is dropped. */
const SAFE_HEADERS = new Set([
  'content-type',
  'cache-control',
  'content-language',
  'content-security-policy',
  'etag',
  'last-modified',
  'link',
  'permissions-policy',
  'referrer-policy',
  'strict-transport-security',
  'vary',
  'x-content-type-options',
  'x-frame-options',
  'x-robots-tag',
]);

const COMPRESSIBLE = /^(text\/|application\/(xml|rss\+xml|atom\+xml|json|javascript))/i;
const GZIP_MIN_BYTES = 1024;
const gzipAsync = promisify(zlib.gzip);

export const StoredPage = z
  .object({
    status: z.literal(200),
    headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    /** base64 */
    body: z.string(),
    /** base64 of the gzipped body, for visitors that accept it (text types only) */
    gzip: z.string().optional(),
  })
  .meta({ id: 'StoredPage' });
export type StoredPage = z.infer<typeof StoredPage>;

class ClientGoneError extends Error {}

interface Captured {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** The cache key's path for a plain document request to a gallery page, else undefined. */
export function cacheablePageUrl(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): string | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const url = req.url ?? '/';
  if (url.length > MAX_URL_LENGTH) return undefined;
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  if (!GALLERY_PATH.test(pathname)) return undefined;
  if (q >= 0 && new URLSearchParams(url.slice(q + 1)).has('_rsc')) return undefined;
  if (ROUTER_HEADERS.some((name) => req.headers[name] !== undefined)) return undefined;
  // Gallery pages read no query, so the path alone names the page: a made-up query
  // (tracking parameters, cache busting) neither fills the cache nor skips it.
  return pathname;
}

export function pageCacheKey(buildId: string, url: string): string[] {
  return ['page', buildId, url];
}

/** `.next/BUILD_ID` of the production build in `dir`. */
export function readBuildId(dir: string): string {
  return fs.readFileSync(path.join(dir, '.next', 'BUILD_ID'), 'utf8').trim();
}

type Result = { value: StoredPage | undefined; backend: CacheBackend | 'none'; hit: boolean };

/**
 * Next's handler behind the page cache; other requests go straight through. Concurrent misses
 * of one URL in this process share one render (after an invalidation under load, every
 * visitor would otherwise render), but only a render started at most JOIN_MS ago: its data is
 * then at most that old, which keeps the 1 s freshness promise.
 */
export function withPageCache(web: WebHandler, options: PageCacheOptions): WebHandler {
  const flights = new Map<string, { started: number; result: Promise<Result | undefined> }>();
  const now = options.now ?? Date.now;
  return async (req, res) => {
    const url = cacheablePageUrl(req);
    if (url === undefined) return web(req, res);
    const key = pageCacheKey(options.buildId, url);
    if (req.method === 'HEAD') return head(web, req, res, options.cache, key);

    // The stored body must be the plain one (gzip is made once, when storing), and a 304 cannot be stored.
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    const flight = flights.get(url);
    if (flight && now() - flight.started <= JOIN_MS) {
      const shared = await flight.result;
      if (shared?.value) return send(res, shared.value, false, shared.backend, req.method, { gzip: shared.value.gzip, accepted: gzip });
    }
    dropRequestHeaders(req, ['accept-encoding', 'if-none-match', 'if-modified-since']);
    let captured: Captured | undefined;
    let settle: (result: Result | undefined) => void = () => {};
    const mine = { started: 0, result: new Promise<Result | undefined>((resolve) => (settle = resolve)) };
    let result: Result;
    try {
      result = await options.cache.getOrLoad(
        key,
        options.ttlSeconds,
        async () => {
          mine.started = now();
          flights.set(url, mine);
          captured = await capture(web, req, res);
          return await storable(captured);
        },
        { parse: StoredPage },
      );
    } catch (error) {
      settle(undefined);
      if (error instanceof ClientGoneError) return;
      throw error;
    } finally {
      if (flights.get(url) === mine) flights.delete(url);
    }
    settle(result);
    // A miss answers with what Next rendered (its own headers, cookies included), a hit with the stored page.
    const page = result.hit ? result.value : captured;
    if (!page) throw new Error('page cache: neither a stored nor a rendered page');
    send(res, page, result.hit, result.backend, req.method, { gzip: result.value?.gzip, accepted: gzip });
  };
}

/** HEAD: a stored page's headers, or Next's own answer (never stored: it has no body). */
async function head(web: WebHandler, req: IncomingMessage, res: ServerResponse, cache: Cache, key: string[]) {
  let found: { value: StoredPage | undefined; backend: CacheBackend | 'none' };
  try {
    found = await cache.get(key, { parse: StoredPage });
  } catch {
    found = { value: undefined, backend: 'none' };
  }
  if (found.value) return send(res, found.value, true, found.backend, 'HEAD', { gzip: found.value.gzip, accepted: acceptsGzip(req.headers['accept-encoding']) });
  res.setHeader('X-Cache', 'MISS');
  res.setHeader('X-Cache-Backend', found.backend);
  return web(req, res);
}

/** Only a 200 that sets no cookie is shared with other visitors. */
async function storable(page: Captured): Promise<StoredPage | undefined> {
  if (page.status !== 200 || page.headers['set-cookie'] !== undefined) return undefined;
  const headers: StoredPage['headers'] = {};
  for (const [name, value] of Object.entries(page.headers)) {
    if (!SAFE_HEADERS.has(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value : String(value);
  }
  const stored: StoredPage = { status: 200, headers, body: page.body.toString('base64') };
  if (COMPRESSIBLE.test(String(headers['content-type'] ?? '')) && page.body.length >= GZIP_MIN_BYTES) stored.gzip = (await gzipAsync(page.body)).toString('base64');
  return stored;
}

/** `gzip` (or `*`) listed without q=0. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    return (coding === 'gzip' || coding === '*') && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** `encoding.gzip`: the stored gzipped body, sent when the visitor accepts it. */
function send(
  res: ServerResponse,
  page: StoredPage | Captured,
  hit: boolean,
  backend: CacheBackend | 'none',
  method: string | undefined,
  encoding: { gzip: string | undefined; accepted: boolean },
) {
  const gzip = encoding.accepted ? encoding.gzip : undefined;
  const body = gzip !== undefined ? Buffer.from(gzip, 'base64') : typeof page.body === 'string' ? Buffer.from(page.body, 'base64') : page.body;
  // A miss keeps what Next set on the response itself; a hit starts from a clean one.
  if (typeof page.body === 'string') for (const [name, value] of Object.entries(page.headers)) if (value !== undefined) res.setHeader(name, value);
  res.statusCode = page.status;
  res.setHeader('X-Cache', hit ? 'HIT' : 'MISS');
  res.setHeader('X-Cache-Backend', backend);
  res.removeHeader('transfer-encoding');
  if (gzip !== undefined) res.setHeader('Content-Encoding', 'gzip');
  if (encoding.gzip !== undefined) {
    const vary = String(res.getHeader('vary') ?? '');
    if (!/accept-encoding/i.test(vary)) res.setHeader('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
  }
  res.setHeader('Content-Length', body.length);
  res.end(method === 'HEAD' ? undefined : body);
}

/**
 * Lets Next render into `res` while holding back everything it writes: the response is
 * sent only once the caller knows where it was stored (X-Cache-Backend says so).
 */
function capture(web: WebHandler, req: IncomingMessage, res: ServerResponse): Promise<Captured> {
  return new Promise<Captured>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const own = ['writeHead', 'flushHeaders', 'write', 'end'] as const;
    const restore = () => {
      for (const name of own) Reflect.deleteProperty(res, name);
    };
    const take = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array));
    };
    const callbackOf = (...args: unknown[]) => args.find((a): a is () => void => typeof a === 'function');
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      restore();
      outcome();
    };
    Object.assign(res, {
      writeHead(status: number, ...rest: unknown[]) {
        res.statusCode = status;
        const headers = rest.find((a) => typeof a === 'object' && a !== null);
        if (Array.isArray(headers)) {
          const flat: unknown[] = headers.flat();
          for (let i = 0; i + 1 < flat.length; i += 2) res.setHeader(String(flat[i]), String(flat[i + 1]));
        } else if (headers) {
          for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value as string | string[]);
        }
        return res;
      },
      flushHeaders() {},
      write(chunk: unknown, encoding?: unknown, callback?: unknown) {
        take(chunk, encoding);
        callbackOf(encoding, callback)?.();
        return true;
      },
      end(chunk?: unknown, encoding?: unknown, callback?: unknown) {
        take(chunk, encoding);
        const after = callbackOf(chunk, encoding, callback);
        if (after) res.once('finish', after);
        finish(() => resolve({ status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks) }));
        return res;
      },
    });
    res.once('close', () => finish(() => reject(new ClientGoneError('the client went away before the page was rendered'))));
    Promise.resolve(web(req, res)).catch((error: unknown) => finish(() => reject(error)));
  });
}

/** From both views of the request, as @hono/node-server and Next each read one of them. */
function dropRequestHeaders(req: IncomingMessage, names: string[]): void {
  const drop = new Set(names);
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    if (!drop.has(name.toLowerCase())) raw.push(name, req.rawHeaders[i + 1] ?? '');
  }
  req.rawHeaders = raw;
  for (const name of names) Reflect.deleteProperty(req.headers, name);
}
