import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors';
import { cleanString } from '../text';
import { loadSharp } from './sharp';

/** Types Darkroom develops, decided by content (magic bytes), never by name or header. */
const ACCEPTED: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/tiff': 'tif',
};

export interface ReceivedFile {
  /** Temp file holding the upload; removed by the receiver. */
  path: string;
  /** The client's file name: shown to people, never used for a storage key. */
  name: string;
  bytes: number;
  sha256: string;
  /** Cut off at the per-file cap. */
  truncatedAtCap: boolean;
}

export interface InspectedFile extends ReceivedFile {
  mime: string;
  ext: string;
  width: number;
  height: number;
}

const mp = (pixels: number) => `${Math.round(pixels / 1e6)} megapixels`;

/** Refuses empty, oversized, non-image, pixel-bomb and truncated files with a message naming the file. */
export async function inspectUpload(received: ReceivedFile, limits: { maxBytes: number; maxPixels: number }): Promise<InspectedFile> {
  // The client's name is untrusted text: cleaned before any message, row or log holds it.
  const file = { ...received, name: cleanString(received.name, { maxLength: 255 }) ?? '' };
  const label = JSON.stringify(file.name || 'unnamed file');
  if (file.truncatedAtCap) throw new PayloadTooLargeError(`${label} is larger than the upload limit of ${Math.floor(limits.maxBytes / 1024 / 1024)} MB`);
  if (file.bytes === 0) throw new ValidationError(`${label} is empty`);
  // Loaded with the first upload, like sharp (./sharp.ts): a worker never sniffs a file.
  const { fileTypeFromFile } = await import('file-type');
  const type = await fileTypeFromFile(file.path);
  const ext = type ? ACCEPTED[type.mime] : undefined;
  if (!type || !ext) {
    throw new UnsupportedMediaTypeError(
      `${label} is not a supported image (${type ? `it is ${type.mime}` : 'its content is not an image'}); upload JPEG, PNG, WebP, AVIF or TIFF`,
    );
  }
  const sharp = await loadSharp();
  const meta = await sharp(file.path, { limitInputPixels: false }).metadata().catch(() => undefined);
  if (!meta?.width || !meta.height) throw new ValidationError(`${label} could not be read as ${type.mime}; the file is damaged`);
  const pixels = meta.width * meta.height;
  if (pixels > limits.maxPixels) {
    throw new PayloadTooLargeError(`${label} is ${meta.width}×${meta.height} (${mp(pixels)}); the limit is ${mp(limits.maxPixels)}`);
  }
  // A cheap full read (JPEG shrinks on load) catches truncated and corrupt image data.
  try {
    await sharp(file.path, { failOn: 'truncated', limitInputPixels: limits.maxPixels }).resize(64, 64, { fit: 'inside' }).toBuffer();
  } catch {
    throw new ValidationError(`${label} is truncated or damaged and cannot be developed`);
  }
  return { ...file, mime: type.mime, ext, width: meta.width, height: meta.height };
}
