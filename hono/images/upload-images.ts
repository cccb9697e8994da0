import path from 'node:path';
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { adminImageDto, ingestUploads } from '../../server/images';
import { listOf } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';
import { receiveFiles } from './receive';

export const uploadImagesRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['admin: images'],
  summary: 'Upload photos (multipart field "files", one or many); they are developed in the background',
  description:
    'Body: multipart/form-data with one or more files in the field `files`. Each file is capped at UPLOAD_MAX_BYTES ' +
    'and its type is decided by content. All-or-nothing: one bad file rejects the request and stores nothing. ' +
    'Bytes already in the library return the existing image.',
  responses: {
    202: { description: 'Accepted; each image is pending until developed', ...json(listOf(adminImageDto)) },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'),
  },
});

export const uploadImagesHandler: RouteHandler<typeof uploadImagesRoute, AppEnv> = async (c) => {
  const { images, config } = c.get('services');
  // Streamed by busboy: the route declares no body schema so nothing reads (and buffers) it first.
  const { files, cleanup } = await receiveFiles(c.req.raw, { tmpDir: path.join(config.dataDir, 'tmp'), maxBytes: config.upload.maxBytes });
  try {
    const items = await ingestUploads(images, files);
    return c.json({ items: items.map((i) => adminImageDto.parse(i)) }, 202);
  } finally {
    await cleanup();
  }
};
