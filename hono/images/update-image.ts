import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { adminImageDto, updateImage, updateImageInput } from '../../server/images';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const updateImageRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['admin: images'],
  summary: 'Edit title, album, visibility or tags',
  request: { params: idParam, body: { required: true, ...json(updateImageInput) } },
  responses: { 200: { description: 'The updated image', ...json(adminImageDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED') },
});

export const updateImageHandler: RouteHandler<typeof updateImageRoute, AppEnv> = async (c) =>
  c.json(adminImageDto.parse(await updateImage(c.get('services').images, c.req.valid('param').id, c.req.valid('json'))), 200);
