import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import type { ExifData, VariantFormat } from '../../drizzle/schema';
import { readMetadata } from './metadata';

export const VARIANT_WIDTHS = [320, 640, 1280, 1920, 2560] as const;
export const VARIANT_FORMATS: readonly VariantFormat[] = ['avif', 'webp'];

export interface DevelopedVariant {
  width: number;
  height: number;
  format: VariantFormat;
  data: Buffer;
}

export interface Developed {
  width: number;
  height: number;
  variants: DevelopedVariant[];
  /** ThumbHash, base64. */
  placeholder: string;
  /** #rrggbb */
  dominantColor: string;
  exif: ExifData;
  takenAt: Date | null;
  gps: { latitude: number; longitude: number } | null;
  warnings: string[];
}

/**
 * Bounded memory: libvips' operation cache off (every image is new), and its threads split
 * between the jobs that run at once so N jobs never use N × cores threads.
 */
export function configureSharp(jobsAtOnce: number, cores: number): void {
  sharp.cache(false);
  sharp.concurrency(Math.max(1, Math.floor(cores / Math.max(1, jobsAtOnce))));
}

const ENCODERS: Record<VariantFormat, (img: Sharp) => Sharp> = {
  avif: (img) => img.avif({ quality: 55, effort: 2 }),
  webp: (img) => img.webp({ quality: 80, effort: 4 }),
};

function abortIfNeeded(signal?: AbortSignal) {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** The whole development of one original: orientation, variants, placeholder, colour, EXIF. */
export async function developImage(
  original: Buffer,
  options: { maxPixels: number; widths?: readonly number[]; signal?: AbortSignal },
): Promise<Developed> {
  const meta = await readMetadata(original);
  const input = () => sharp(original, { limitInputPixels: options.maxPixels, failOn: 'error' });
  // Oriented size from the header alone: nothing is decoded yet.
  const header = await input().metadata();
  const { width, height } = header.autoOrient;
  const widths = (options.widths ?? VARIANT_WIDTHS).filter((w) => w <= width).sort((a, b) => b - a);
  if (widths.length === 0) widths.push(width);

  // Decode straight to the largest variant (JPEG shrinks on load, other formats stream through
  // the resize), so a 200 MP original never exists as an 800 MB bitmap. The rest cascade from it.
  const decoded = await input()
    .rotate()
    .resize({ width: widths[0], fastShrinkOnLoad: false })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { channels } = decoded.info;

  const variants: DevelopedVariant[] = [];
  let source = { data: decoded.data, width: decoded.info.width, height: decoded.info.height };
  for (const target of widths) {
    abortIfNeeded(options.signal);
    const resized =
      target === source.width
        ? source
        : await sharp(source.data, { raw: { width: source.width, height: source.height, channels } })
            .resize({ width: target })
            .raw()
            .toBuffer({ resolveWithObject: true })
            .then((r) => ({ data: r.data, width: r.info.width, height: r.info.height }));
    const encoded = await Promise.all(
      VARIANT_FORMATS.map(async (format) => ({
        width: resized.width,
        height: resized.height,
        format,
        data: await ENCODERS[format](sharp(resized.data, { raw: { width: resized.width, height: resized.height, channels } })).toBuffer(),
      })),
    );
    variants.push(...encoded);
    source = resized;
  }

  const small = sharp(source.data, { raw: { width: source.width, height: source.height, channels } }).resize(100, 100, { fit: 'inside' });
  const [hash, stats] = await Promise.all([
    small.clone().ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
    small.clone().stats(),
  ]);
  const placeholder = Buffer.from(rgbaToThumbHash(hash.info.width, hash.info.height, hash.data)).toString('base64');
  const { r, g, b } = stats.dominant;
  const dominantColor = `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

  return {
    width,
    height,
    variants: variants.sort((a, b) => a.width - b.width || a.format.localeCompare(b.format)),
    placeholder,
    dominantColor,
    exif: meta.exif,
    takenAt: meta.takenAt,
    gps: meta.gps,
    warnings: meta.warnings,
  };
}
