import { z } from '@hono/zod-openapi';

const Gps = z.object({ latitude: z.number(), longitude: z.number() });

export const VariantSchema = z
  .object({
    width: z.number().int(),
    height: z.number().int(),
    format: z.enum(['avif', 'webp']),
    bytes: z.number().int(),
    url: z.string().openapi({ example: '/api/v1/files/variants/0b6c…/3f9a1c2e/1280.avif' }),
  })
  .openapi('Variant');

/** The public image: what API consumers see. Parsing strips every other field. */
export const ImageSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'processing', 'ready', 'failed']),
    title: z.string(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    placeholder: z.string().nullable().openapi({ description: 'ThumbHash, base64' }),
    dominantColor: z.string().nullable().openapi({ example: '#7a6f64' }),
    takenAt: z.string().nullable(),
    exif: z.object({
      make: z.string().optional(),
      model: z.string().optional(),
      lens: z.string().optional(),
      focalLength: z.number().optional(),
      fNumber: z.number().optional(),
      exposureTime: z.number().optional(),
      iso: z.number().optional(),
      gps: Gps.optional(),
    }),
    variants: z.array(VariantSchema),
    albumId: z.string().nullable(),
    visibility: z.enum(['public', 'private']),
    createdAt: z.string(),
  })
  .openapi('Image');

export const AdminImageSchema = ImageSchema.extend({
  originalName: z.string(),
  mime: z.string(),
  bytes: z.number().int(),
  warnings: z.array(z.string()),
  lastError: z.string().nullable(),
  tags: z.array(z.string()),
  updatedAt: z.string(),
}).openapi('AdminImage');

export const AdminImageListSchema = z.object({ items: z.array(AdminImageSchema), nextCursor: z.string().nullable() }).openapi('AdminImageList');

export const ImageIdParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export const ListImagesQuery = z.object({
  status: z.enum(['pending', 'processing', 'ready', 'failed']).optional(),
  albumId: z.string().max(64).optional(),
  tag: z.string().max(64).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(40),
});

export const UpdateImageBody = z
  .object({
    title: z.string().max(200).optional(),
    albumId: z.string().max(64).nullable().optional(),
    visibility: z.enum(['public', 'private']).optional(),
    tags: z.array(z.string().min(1).max(48)).max(50).optional(),
  })
  .strict()
  .openapi('UpdateImage');
