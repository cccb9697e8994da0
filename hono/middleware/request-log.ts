import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';

/** One wide line per request; 5xx at error. Headers and bodies are never logged. */
export const requestLog = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const start = performance.now();
  await next();
  const status = c.res.status;
  const line = {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status,
    durationMs: Math.round((performance.now() - start) * 10) / 10,
  };
  const log = c.get('services').accessLog;
  if (status >= 500) log.error(line, 'request');
  else log.info(line, 'request');
};
