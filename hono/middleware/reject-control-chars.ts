import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

/** C0 controls (NUL, ESC …), DEL and C1 controls: never part of an id, slug, cursor or file key. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Refuses a request whose decoded path or query carries a control character (`%00`, `%1B` …)
 * before any route, service or database sees it: PostgreSQL rejects NUL in text, which
 * surfaced as a 500, and such bytes in a log line or a cache key are never wanted.
 */
export const rejectControlChars = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  // Nothing percent-encoded and no raw control character: nothing to decode, the common case.
  const url = c.req.url;
  if (!url.includes('%') && !CONTROL_CHARS.test(url)) return next();
  const query = new URL(c.req.url).searchParams;
  const dirty = CONTROL_CHARS.test(c.req.path) || [...query].some(([key, value]) => CONTROL_CHARS.test(key) || CONTROL_CHARS.test(value));
  if (dirty) return errorJson(c, 'BAD_REQUEST', 'The address contains a control character (such as %00); remove it and try again');
  await next();
};
