/*
 * The largest photo Darkroom accepts at the given limits: as many pixels as UPLOAD_MAX_PIXELS
 * allows at 3:2, photo-like content (smooth colour fields and texture, not noise), written to a
 * file without ever holding the full bitmap (sharp streams the upscale into the encoder).
 */
import sharp from 'sharp';
import { mulberry32 } from '../lib/random';

// WebP is left out: libwebp cannot encode 200 MP lossy (its first partition overflows).
export const FORMATS = ['jpeg', 'png', 'tiff'] as const;
export type Format = (typeof FORMATS)[number];

/** Width × height at 3:2 with width × height ≤ maxPixels; each side within the format's limit. */
export function largestSize(maxPixels: number, format: Format): { width: number; height: number } {
  const limit = format === 'jpeg' ? 65_535 : 1_000_000;
  let width = Math.min(limit, Math.floor(Math.sqrt(maxPixels * 1.5)));
  let height = Math.floor(maxPixels / width);
  if (height > limit) {
    height = limit;
    width = Math.min(limit, Math.floor(maxPixels / height));
  }
  return { width, height };
}

export async function writeLargestPhoto(file: string, size: { width: number; height: number }, format: Format): Promise<number> {
  const rand = mulberry32(42);
  // ~15 px blobs at full size: texture that compresses like a photo, not like noise or a flat fill.
  // PNG is lossless: only smoother content (~1000 px blobs) fits the default byte cap at 200 MP.
  const blob = format === 'png' ? 1000 : 15;
  const w = Math.ceil(size.width / blob);
  const h = Math.ceil(size.height / blob);
  const small = Buffer.alloc(w * h * 3);
  for (let i = 0; i < small.length; i++) small[i] = Math.floor(40 + rand() * 170);
  const img = sharp(small, { raw: { width: w, height: h, channels: 3 }, limitInputPixels: false })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'cubic' })
    .withExif({ IFD0: { Make: 'Darkroom', Model: 'Memory Bench', Orientation: '1' } });
  const encoded =
    format === 'jpeg' ? img.jpeg({ quality: 90 }) : format === 'png' ? img.png({ compressionLevel: 9 }) : img.tiff({ compression: 'jpeg', quality: 90 });
  const info = await encoded.toFile(file);
  return info.size;
}
