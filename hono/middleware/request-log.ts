import type { Context } from 'hono';
import type { AppEnv } from '../env';

/** One wide line per request; 5xx at error. Headers and bodies are never logged. Called by requestContext. */
export function logRequest(c: Context<AppEnv>, durationMs: number): void {
  const status = c.res.status;
  const line = { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status, durationMs: Math.round(durationMs * 10) / 10 };
  const log = c.get('services').accessLog;
  if (status >= 500) log.error(line, 'request');
  else log.info(line, 'request');
}
