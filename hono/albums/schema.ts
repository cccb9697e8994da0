import { z } from '@hono/zod-openapi';

export const AlbumSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    visibility: z.enum(['public', 'private']),
    allowGps: z.boolean(),
    coverImageId: z.string().nullable(),
    position: z.number().int(),
    imageCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Album');

export const AlbumIdParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

const slug = z.string().max(80).openapi({ example: 'summer-2024' });
export const CreateAlbumBody = z
  .object({
    title: z.string().min(1).max(200),
    slug: slug.optional(),
    description: z.string().max(5000).optional(),
    visibility: z.enum(['public', 'private']).optional(),
    allowGps: z.boolean().optional(),
    position: z.number().int().min(0).optional(),
  })
  .strict()
  .openapi('CreateAlbum');

export const UpdateAlbumBody = CreateAlbumBody.partial()
  .extend({ coverImageId: z.string().max(64).nullable().optional() })
  .strict()
  .openapi('UpdateAlbum');
