import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { uploadConfig, uploadConfigDto } from '../../server/uploads';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const getUploadConfigRoute = createRoute({
  method: 'get',
  path: '/config',
  tags: ['admin: uploads'],
  summary: 'Chunk size, size cap and expiry of resumable (tus) uploads',
  responses: { 200: { description: 'Upload settings', ...json(uploadConfigDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});

export const getUploadConfigHandler: RouteHandler<typeof getUploadConfigRoute, AppEnv> = (c) =>
  c.json(uploadConfigDto.parse(uploadConfig(c.get('services').config)), 200);
