import type { Context, MiddlewareHandler } from 'hono';
import { type BodyLimit, type BodyLimitError, declaredTooLarge, limitBody, tooLarge } from '../../server/http/body-limit';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

/**
 * 413 or 408. No `Connection: close`: closing at once while the client still sends makes
 * the kernel reset the connection, and the client may never read the answer; the server
 * (@hono/node-server) instead drains the rest for a moment (at most 500 ms / 64 MB), then hangs up.
 */
const answer = (c: Context<AppEnv>, error: BodyLimitError) =>
  errorJson(c, error.reason === 'too-large' ? 'PAYLOAD_TOO_LARGE' : 'REQUEST_TIMEOUT', error.message);

/**
 * Every request body gets a cap (`pick` chooses it per route) enforced while streaming:
 * a declared Content-Length above it is refused before reading; otherwise the body is
 * wrapped so the route's reader fails once the cap is passed (or the body stalls), and the
 * answer becomes 413 (408), whatever the route made of the failed read. Nothing is read
 * here, so a route may still refuse before touching the body (setup, the admin guard).
 */
export const bodyLimit =
  (pick: (c: Context<AppEnv>) => BodyLimit): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    // No body to cap; and asking a GET for its body would build a whole Request per read.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const body = c.req.raw.body;
    if (!body) return next();
    const limit = pick(c);
    if (declaredTooLarge(c.req.raw.headers, limit)) return answer(c, tooLarge(limit));
    let failure: BodyLimitError | undefined;
    const limited = limitBody(body, limit, (error) => (failure = error));
    c.req.raw = new Request(c.req.raw, { body: limited, duplex: 'half' } as RequestInit);
    await next();
    if (failure) c.res = answer(c, failure);
  };
