import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { checkHashes, checkHashesInput, checkHashesResult } from '../../server/images';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const checkImagesRoute = createRoute({
  method: 'post',
  path: '/check',
  tags: ['admin: images'],
  summary: 'Which of these SHA-256 digests the library already holds (asked before uploading)',
  request: { body: { required: true, ...json(checkHashesInput) } },
  responses: { 200: { description: 'The known digests; unknown ones are absent', ...json(checkHashesResult) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED') },
});

export const checkImagesHandler: RouteHandler<typeof checkImagesRoute, AppEnv> = async (c) =>
  c.json(checkHashesResult.parse(await checkHashes(c.get('services').images, c.req.valid('json'))), 200);
