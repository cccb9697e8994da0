import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { createShare, createShareInput, createdShareDto } from '../../server/shares';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const createShareRoute = createRoute({
  method: 'post',
  path: '/{id}/shares',
  tags: ['admin: albums'],
  summary: 'Create a share link (optional password and expiry); its token and URL are shown only in this answer',
  request: { params: idParam, body: { required: true, ...json(createShareInput) } },
  responses: { 201: { description: 'Created', ...json(createdShareDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED') },
});

export const createShareHandler: RouteHandler<typeof createShareRoute, AppEnv> = async (c) => {
  const services = c.get('services');
  const created = await createShare({ db: services.db, baseUrl: services.config.auth.baseUrl }, c.req.valid('param').id, c.req.valid('json'), c.get('user').id);
  return c.json(createdShareDto.parse(created), 201);
};
