import { z } from 'zod';
import { imageStatuses, variantFormats, visibilities } from '../../drizzle/schema';
import type { schema } from '../db';
import { pageOf } from '../shapes';
import { fileUrl } from './keys';

type ImageRow = typeof schema.images.$inferSelect;
type VariantRow = typeof schema.imageVariants.$inferSelect;

const int = () => z.number().int();

export const variantDto = z
  .object({
    width: int(),
    height: int(),
    format: z.enum(variantFormats),
    bytes: int(),
    url: z.string().meta({ example: '/api/v1/files/variants/0b6c…/3f9a1c2e/1280.avif' }),
  })
  .meta({ id: 'Variant' });

const EXAMPLE_ID = '0b6c4f7e-2d1a-4c55-9a0e-3f9a1c2e7b10';
const exampleVariant = (width: number, height: number, format: 'avif' | 'webp', bytes: number) => ({
  width,
  height,
  format,
  bytes,
  url: fileUrl(`variants/${EXAMPLE_ID}/k3v9q2/${width}.${format}`),
});
/** What the API reference shows for an image (a unit test parses it with the schema below). */
export const exampleImage = {
  id: EXAMPLE_ID,
  status: 'ready' as const,
  title: 'Harbour at dusk',
  width: 4032,
  height: 3024,
  placeholder: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG',
  dominantColor: '#7a6f64',
  takenAt: '2024-07-14T19:42:10.000Z',
  exif: { make: 'FUJIFILM', model: 'X-T4', lens: 'XF23mmF2 R WR', focalLength: 23, fNumber: 2.8, exposureTime: 0.004, iso: 160 },
  variants: [exampleVariant(640, 480, 'avif', 41_872), exampleVariant(640, 480, 'webp', 58_310), exampleVariant(1280, 960, 'avif', 132_455)],
  albumId: '5e2d8a41-7c3b-4f0e-b6a9-1d4c2f8e9a07',
  visibility: 'public' as const,
  createdAt: '2024-07-15T08:01:02.000Z',
};

/** The public image: what API consumers see. Parsing strips every other field. */
export const imageDto = z
  .object({
    id: z.string(),
    status: z.enum(imageStatuses),
    title: z.string(),
    width: int().nullable(),
    height: int().nullable(),
    placeholder: z.string().nullable().meta({ description: 'ThumbHash, base64' }),
    dominantColor: z.string().nullable().meta({ example: '#7a6f64' }),
    takenAt: z.string().nullable(),
    exif: z.object({
      make: z.string().optional(),
      model: z.string().optional(),
      lens: z.string().optional(),
      focalLength: z.number().optional(),
      fNumber: z.number().optional(),
      exposureTime: z.number().optional(),
      iso: z.number().optional(),
      gps: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
    }),
    variants: z.array(variantDto),
    albumId: z.string().nullable(),
    visibility: z.enum(visibilities),
    createdAt: z.string(),
  })
  .meta({ id: 'Image', example: exampleImage });
export type ImageDto = z.infer<typeof imageDto>;

export const adminImageDto = imageDto
  .extend({
    originalName: z.string(),
    mime: z.string(),
    bytes: int(),
    warnings: z.array(z.string()),
    lastError: z.string().nullable(),
    tags: z.array(z.string()),
    updatedAt: z.string(),
  })
  .meta({
    id: 'AdminImage',
    // As an upload answers it: pending until the background develop fills in the rest.
    example: {
      ...exampleImage,
      status: 'pending',
      width: null,
      height: null,
      placeholder: null,
      dominantColor: null,
      takenAt: null,
      exif: {},
      variants: [],
      albumId: null,
      visibility: 'private',
      originalName: 'DSCF0042.JPG',
      mime: 'image/jpeg',
      bytes: 9_482_113,
      warnings: [],
      lastError: null,
      tags: [],
      updatedAt: '2024-07-15T08:01:02.000Z',
    },
  });
export type AdminImageDto = z.infer<typeof adminImageDto>;

export const adminImagePage = pageOf(adminImageDto).meta({ id: 'AdminImageList' });

/** Explicit field by field: a new column never reaches a response by accident. */
export function toImageDto(row: ImageRow, variants: VariantRow[], options: { gps: boolean }): ImageDto {
  const exif: ImageDto['exif'] = { ...(row.exif ?? {}) };
  if (options.gps && row.gpsLatitude !== null && row.gpsLongitude !== null) exif.gps = { latitude: row.gpsLatitude, longitude: row.gpsLongitude };
  return {
    id: row.id,
    status: row.status,
    title: row.title,
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    dominantColor: row.dominantColor,
    takenAt: row.takenAt?.toISOString() ?? null,
    exif,
    variants: variants
      .filter((v) => v.imageId === row.id)
      .sort((a, b) => a.width - b.width || a.format.localeCompare(b.format))
      .map((v) => ({ width: v.width, height: v.height, format: v.format, bytes: v.bytes, url: fileUrl(v.key) })),
    albumId: row.albumId,
    visibility: row.visibility,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toAdminImageDto(row: ImageRow, variants: VariantRow[], tags: string[]): AdminImageDto {
  return {
    ...toImageDto(row, variants, { gps: true }),
    originalName: row.originalName,
    mime: row.mime,
    bytes: row.bytes,
    warnings: row.warnings,
    lastError: row.lastError,
    tags,
    updatedAt: row.updatedAt.toISOString(),
  };
}
