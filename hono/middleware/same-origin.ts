import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { apiKeyCredential } from '../../server/api-keys';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

/**
 * Hono's CSRF check (form posts, multipart uploads included, must come from `origin`),
 * with a refusal that tells a script which header to send instead of a bare "Forbidden".
 * A request presenting an API key skips it: no cross-site form can set that header, and
 * the admin guard then judges the key alone, never the cookie that came along.
 */
export const sameOrigin = (origin: string): MiddlewareHandler<AppEnv> => {
  const check = csrf({ origin });
  return async (c, next) => {
    if (apiKeyCredential(c.req.raw.headers) !== null) return next();
    let passed = false;
    try {
      await check(c, async () => {
        passed = true;
      });
    } catch (error) {
      if (!(error instanceof HTTPException && error.status === 403)) throw error;
      throw new ApiError('FORBIDDEN', `This form post does not come from ${origin}, so it is refused; a script that uses the session cookie sends the header "Origin: ${origin}".`);
    }
    if (passed) await next();
  };
};
