import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { deleteImage, getImage, reprocessImage, updateImage } from '../../server/images';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { AdminImageSchema, ImageIdParams, UpdateImageBody } from './schema';

const one = { content: { 'application/json': { schema: AdminImageSchema } } };

export const getImageRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['admin: images'],
  summary: 'One image with variants, EXIF, tags and develop warnings',
  request: { params: ImageIdParams },
  responses: { 200: { description: 'The image', ...one }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});
export const getImageHandler: RouteHandler<typeof getImageRoute, AppEnv> = async (c) =>
  c.json(AdminImageSchema.parse(await getImage(c.get('services').images, c.req.valid('param').id)), 200);

export const updateImageRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['admin: images'],
  summary: 'Edit title, album, visibility or tags',
  request: { params: ImageIdParams, body: { required: true, content: { 'application/json': { schema: UpdateImageBody } } } },
  responses: { 200: { description: 'The updated image', ...one }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED') },
});
export const updateImageHandler: RouteHandler<typeof updateImageRoute, AppEnv> = async (c) => {
  const image = await updateImage(c.get('services').images, c.req.valid('param').id, c.req.valid('json'));
  return c.json(AdminImageSchema.parse(image), 200);
};

export const deleteImageRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['admin: images'],
  summary: 'Delete an image, its original and every variant',
  request: { params: ImageIdParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});
export const deleteImageHandler: RouteHandler<typeof deleteImageRoute, AppEnv> = async (c) => {
  await deleteImage(c.get('services').images, c.req.valid('param').id);
  return c.body(null, 204);
};

export const reprocessImageRoute = createRoute({
  method: 'post',
  path: '/{id}/reprocess',
  tags: ['admin: images'],
  summary: 'Develop the image again',
  request: { params: ImageIdParams },
  responses: {
    202: { description: 'Queued', ...one },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
  },
});
export const reprocessImageHandler: RouteHandler<typeof reprocessImageRoute, AppEnv> = async (c) =>
  c.json(AdminImageSchema.parse(await reprocessImage(c.get('services').images, c.req.valid('param').id)), 202);
