import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { setCookie } from 'hono/cookie';
import { shareTokenParam, unlockShare, unlockShareInput } from '../../server/shares';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { clientIp } from '../middleware/rate-limit';
import { json } from '../openapi';

export const unlockShareRoute = createRoute({
  method: 'post',
  path: '/shares/{token}/unlock',
  tags: ['shares'],
  summary: 'Unlock a password link: sets its access cookie. Guesses are limited per link and per client address.',
  request: { params: shareTokenParam, body: { required: true, ...json(unlockShareInput) } },
  responses: {
    204: { description: 'Unlocked; the access cookie is set (or the link has no password)' },
    ...errorResponses('UNAUTHORIZED', 'NOT_FOUND', 'VALIDATION_FAILED', 'TOO_MANY_REQUESTS'),
  },
});

export const unlockShareHandler: RouteHandler<typeof unlockShareRoute, AppEnv> = async (c) => {
  const services = c.get('services');
  const { limits } = services.cache;
  const ctx = { db: services.db, secret: services.authSecret.value, limits: { perLink: limits.sharePasswordPerLink, perAddress: limits.sharePasswordPerAddress } };
  const cookie = await unlockShare(ctx, c.req.valid('param').token, c.req.valid('json').password, clientIp(c));
  if (cookie) {
    setCookie(c, cookie.name, cookie.value, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(services.config.auth.baseUrl).protocol === 'https:',
      path: '/',
      maxAge: cookie.maxAge,
    });
  }
  return c.body(null, 204);
};
