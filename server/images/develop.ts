import type { OutputInfo, Sharp as Image } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import type { ExifData, VariantFormat } from '../../drizzle/schema';
import { readMetadata } from './metadata';
import { loadSharp, type Sharp } from './sharp';

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

const ENCODERS: Record<VariantFormat, (img: Image) => Image> = {
  avif: (img) => img.avif({ quality: 55, effort: 2 }),
  webp: (img) => img.webp({ quality: 80, effort: 4 }),
};

function abortIfNeeded(signal?: AbortSignal) {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

type Raw = { data: Buffer; width: number; height: number; channels: 1 | 2 | 3 | 4 };

const rawInput = (sharp: Sharp, raw: Raw) => sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });

/**
 * Above this size an AVIF encode takes libaom ~75 MB (1920 px) to ~130 MB (2560 px), several
 * times the frame itself; such encodes take turns within the process, so jobs running at once
 * (PREPROCESS_CONCURRENCY) never add up their encoders' memory. WebP, decoding and the smaller
 * AVIF variants run alongside.
 */
const LARGE_AVIF_PIXELS = 1_000_000;
let avifTurn: Promise<unknown> = Promise.resolve();
function inTurn<T>(work: () => Promise<T>): Promise<T> {
  const result = avifTurn.then(work);
  avifTurn = result.catch(() => undefined);
  return result;
}

const encode = (sharp: Sharp, raw: Raw, format: VariantFormat, signal?: AbortSignal): Promise<Buffer> => {
  const work = () => ENCODERS[format](rawInput(sharp, raw)).toBuffer();
  if (format !== 'avif' || raw.width * raw.height <= LARGE_AVIF_PIXELS) return work();
  // A job cancelled while it waited for its turn does not encode.
  return inTurn(() => {
    abortIfNeeded(signal);
    return work();
  });
};

const encodeAll = (sharp: Sharp, raw: Raw, signal?: AbortSignal): Promise<DevelopedVariant[]> =>
  Promise.all(VARIANT_FORMATS.map(async (format) => ({ width: raw.width, height: raw.height, format, data: await encode(sharp, raw, format, signal) })));

const toRaw = (result: { data: Buffer; info: OutputInfo }): Raw => ({
  data: result.data,
  width: result.info.width,
  height: result.info.height,
  channels: result.info.channels,
});

/** What develops first and is published while the rest runs: the smallest variant and the placeholder. */
export interface DevelopedThumbnail {
  width: number;
  height: number;
  /** The smallest width, in every format. */
  variants: DevelopedVariant[];
  /** ThumbHash, base64. */
  placeholder: string;
  /** #rrggbb */
  dominantColor: string;
  /** The widths still to develop, widest first. */
  remainingWidths: number[];
}

interface DevelopOptions {
  maxPixels: number;
  widths?: readonly number[];
  signal?: AbortSignal;
}

const sourceOf = (sharp: Sharp, original: Buffer, maxPixels: number) => () => sharp(original, { limitInputPixels: maxPixels, failOn: 'error' });

/**
 * The smallest variant, its placeholder and dominant colour, fast: a JPEG shrinks on load
 * (decoded at 1/2, 1/4 or 1/8 scale), so this costs a fraction of a full decode.
 */
export async function developThumbnail(original: Buffer, options: DevelopOptions): Promise<DevelopedThumbnail> {
  const sharp = await loadSharp();
  const input = sourceOf(sharp, original, options.maxPixels);
  // Oriented size from the header alone: nothing is decoded yet.
  const header = await input().metadata();
  const { width, height } = header.autoOrient;
  const widths = [...new Set((options.widths ?? VARIANT_WIDTHS).filter((w) => w <= width))].sort((a, b) => a - b);
  const smallest = widths[0] ?? width;
  abortIfNeeded(options.signal);
  const thumb = toRaw(await input().rotate().resize({ width: smallest }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }));
  const small = rawInput(sharp, thumb).resize(100, 100, { fit: 'inside' });
  const [variants, hash, stats] = await Promise.all([
    encodeAll(sharp, thumb),
    small.clone().ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
    small.clone().stats(),
  ]);
  const placeholder = Buffer.from(rgbaToThumbHash(hash.info.width, hash.info.height, hash.data)).toString('base64');
  const { r, g, b } = stats.dominant;
  const dominantColor = `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  return { width, height, variants, placeholder, dominantColor, remainingWidths: widths.slice(1).reverse() };
}

/** Every other variant (widest first, each cascading from the one before) and the metadata. */
export async function developRest(original: Buffer, thumbnail: DevelopedThumbnail, options: DevelopOptions): Promise<Developed> {
  const sharp = await loadSharp();
  const meta = await readMetadata(original);
  const variants: DevelopedVariant[] = [...thumbnail.variants];
  const [widest] = thumbnail.remainingWidths;
  if (widest !== undefined) {
    abortIfNeeded(options.signal);
    // Decode straight to the largest variant (JPEG shrinks on load, other formats stream through
    // the resize), so a 200 MP original never exists as an 800 MB bitmap. The rest cascade from it.
    let source = toRaw(
      await sourceOf(sharp, original, options.maxPixels)()
        .rotate()
        .resize({ width: widest, fastShrinkOnLoad: false })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true }),
    );
    for (const target of thumbnail.remainingWidths) {
      abortIfNeeded(options.signal);
      if (target !== source.width) source = toRaw(await rawInput(sharp, source).resize({ width: target }).raw().toBuffer({ resolveWithObject: true }));
      variants.push(...(await encodeAll(sharp, source, options.signal)));
    }
  }
  return {
    width: thumbnail.width,
    height: thumbnail.height,
    variants: variants.sort((a, b) => a.width - b.width || a.format.localeCompare(b.format)),
    placeholder: thumbnail.placeholder,
    dominantColor: thumbnail.dominantColor,
    exif: meta.exif,
    takenAt: meta.takenAt,
    gps: meta.gps,
    warnings: meta.warnings,
  };
}

/** The whole development of one original: orientation, variants, placeholder, colour, EXIF. */
export async function developImage(original: Buffer, options: DevelopOptions): Promise<Developed> {
  return developRest(original, await developThumbnail(original, options), options);
}
