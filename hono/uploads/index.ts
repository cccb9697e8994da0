import { z } from 'zod';
import { errorResponses } from '../errors';
import { createRouter } from '../router';
import { getUploadConfigHandler, getUploadConfigRoute } from './get-upload-config';
import { tusHandler } from './tus';

const TAG = 'admin: uploads';
const tusHeader = { 'Tus-Resumable': { description: '1.0.0', schema: { type: 'string' as const } } };
const idParam = { params: z.object({ id: z.string().meta({ description: 'The upload id from the Location of its creation' }) }) };

/** /admin/uploads: resumable uploads with the tus 1.0 protocol (creation, creation-with-upload, termination, expiration). */
export const uploadsRoutes = createRouter().openapi(getUploadConfigRoute, getUploadConfigHandler);

// The tus protocol is bytes and headers, not JSON: plain routes, described in the document by hand.
uploadsRoutes.on(['POST', 'OPTIONS'], '/', tusHandler);
uploadsRoutes.on(['HEAD', 'PATCH', 'DELETE'], '/:id{[0-9a-f]{32}}', tusHandler);

uploadsRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/',
  tags: [TAG],
  summary: 'tus creation (and creation-with-upload): start a resumable upload',
  description:
    'Headers: `Tus-Resumable: 1.0.0`, `Upload-Length` (at most UPLOAD_MAX_BYTES, else 413), optional `Upload-Metadata` ' +
    '(`filename`, `filetype`: hints only; the type is decided by content). A body (`Content-Type: application/offset+octet-stream`) ' +
    'is the first chunk. Answers 201 with `Location` (the upload URL) and `Upload-Offset`; a whole file in the body is ingested at once ' +
    '(see PATCH for the outcome headers).',
  responses: { 201: { description: 'Created', headers: { Location: { description: 'Upload URL', schema: { type: 'string' } }, ...tusHeader } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE') },
});
uploadsRoutes.openAPIRegistry.registerPath({
  method: 'head',
  path: '/{id}',
  tags: [TAG],
  summary: 'tus: the offset to resume from',
  request: idParam,
  responses: { 200: { description: '`Upload-Offset`, `Upload-Length`, `Upload-Expires`', headers: tusHeader }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});
uploadsRoutes.openAPIRegistry.registerPath({
  method: 'patch',
  path: '/{id}',
  tags: [TAG],
  summary: 'tus: append a chunk at `Upload-Offset` (body at most UPLOAD_CHUNK_BYTES)',
  description:
    'Body: `Content-Type: application/offset+octet-stream`, at most UPLOAD_CHUNK_BYTES (GET /admin/uploads/config). The PATCH that completes ' +
    'the file runs the same inspection, dedupe and queue as POST /admin/images and answers 204 with `Darkroom-Image-Id` and ' +
    '`Darkroom-Upload-Outcome: accepted | duplicate`; a refused file answers 4xx with the error envelope and its reason. A wrong offset ' +
    'answers 409; an expired or removed upload 404/410.',
  request: idParam,
  responses: {
    204: {
      description: 'Chunk stored; on the last one, the outcome',
      headers: {
        'Upload-Offset': { description: 'New offset', schema: { type: 'string' } },
        'Darkroom-Image-Id': { description: 'The image (last chunk only)', schema: { type: 'string' } },
        'Darkroom-Upload-Outcome': { description: '`accepted` or `duplicate` (last chunk only)', schema: { type: 'string' } },
      },
    },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED'),
  },
});
uploadsRoutes.openAPIRegistry.registerPath({
  method: 'delete',
  path: '/{id}',
  tags: [TAG],
  summary: 'tus termination: cancel an upload and remove what was sent',
  request: idParam,
  responses: { 204: { description: 'Removed', headers: tusHeader }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});
