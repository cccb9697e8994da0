import { z } from 'zod';
import { visibilities } from '../../drizzle/schema';

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lowercase letters, digits and single dashes')
  .meta({ example: 'summer-2024' });
const position = z.number().int().min(0).max(1_000_000);

export const createAlbumInput = z
  .object({
    title: z.string().trim().min(1, 'Title is required').max(200),
    slug: slug.optional(),
    description: z.string().trim().max(5000).default(''),
    visibility: z.enum(visibilities).default('private'),
    allowGps: z.boolean().default(false),
    allowDownload: z.boolean().default(false),
    position: position.optional(),
  })
  .strict()
  .meta({ id: 'CreateAlbum' });
export type CreateAlbumInput = z.input<typeof createAlbumInput>;

export const updateAlbumInput = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    slug: slug.optional(),
    description: z.string().trim().max(5000).optional(),
    visibility: z.enum(visibilities).optional(),
    allowGps: z.boolean().optional(),
    allowDownload: z.boolean().optional(),
    coverImageId: z.string().max(64).nullable().optional(),
    position: position.optional(),
  })
  .strict()
  .meta({ id: 'UpdateAlbum' });
export type UpdateAlbumInput = z.input<typeof updateAlbumInput>;

export const albumDto = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    visibility: z.enum(visibilities),
    allowGps: z.boolean(),
    allowDownload: z.boolean(),
    coverImageId: z.string().nullable(),
    position: z.number().int(),
    imageCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Album' });
export type AlbumDto = z.infer<typeof albumDto>;
