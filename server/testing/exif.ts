/*
 * Writes EXIF byte for byte, so tests can carry what camera firmware and attackers write and
 * encoders refuse to: NULs inside ASCII values, bytes that are not UTF-8, control characters.
 */
import sharp from 'sharp';

/** ASCII values are raw bytes (a string is taken as latin1, one byte per char); numbers are SHORT; pairs are RATIONAL. */
export type ExifValue = Buffer | string | number | [number, number];
export interface ExifSpec {
  ifd0?: Record<number, ExifValue>;
  exif?: Record<number, ExifValue>;
}

export const TAG = { Make: 0x010f, Model: 0x0110, Software: 0x0131, Artist: 0x013b, ExifIfd: 0x8769, DateTimeOriginal: 0x9003, FNumber: 0x829d, ISO: 0x8827, LensModel: 0xa434 } as const;

const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;

function encodeValue(value: ExifValue): { type: number; count: number; data: Buffer } {
  if (typeof value === 'number') {
    const data = Buffer.alloc(2);
    data.writeUInt16BE(value);
    return { type: SHORT, count: 1, data };
  }
  if (Array.isArray(value)) {
    const data = Buffer.alloc(8);
    data.writeUInt32BE(value[0]);
    data.writeUInt32BE(value[1], 4);
    return { type: RATIONAL, count: 1, data };
  }
  const data = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  return { type: ASCII, count: data.length, data };
}

/** One IFD at `start` (offsets are from the TIFF header): entries, next-IFD 0, then the values that do not fit in 4 bytes. */
function writeIfd(entries: [number, ExifValue | { long: number }][], start: number): Buffer {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const head = Buffer.alloc(2 + sorted.length * 12 + 4);
  head.writeUInt16BE(sorted.length);
  const extra: Buffer[] = [];
  let extraOffset = start + head.length;
  sorted.forEach(([tag, raw], i) => {
    const at = 2 + i * 12;
    const { type, count, data } = typeof raw === 'object' && 'long' in raw ? { type: LONG, count: 1, data: Buffer.from([raw.long >>> 24, (raw.long >>> 16) & 255, (raw.long >>> 8) & 255, raw.long & 255]) } : encodeValue(raw);
    head.writeUInt16BE(tag, at);
    head.writeUInt16BE(type, at + 2);
    head.writeUInt32BE(count, at + 4);
    if (data.length <= 4) data.copy(head, at + 8);
    else {
      head.writeUInt32BE(extraOffset, at + 8);
      const padded = data.length % 2 ? Buffer.concat([data, Buffer.alloc(1)]) : data;
      extra.push(padded);
      extraOffset += padded.length;
    }
  });
  return Buffer.concat([head, ...extra]);
}

/** A big-endian TIFF block holding IFD0 and, when given, an Exif IFD. */
export function tiffBlock(spec: ExifSpec): Buffer {
  const header = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08]);
  const exifEntries = Object.entries(spec.exif ?? {}).map(([tag, value]) => [Number(tag), value] as [number, ExifValue]);
  const ifd0Entries: [number, ExifValue | { long: number }][] = Object.entries(spec.ifd0 ?? {}).map(([tag, value]) => [Number(tag), value]);
  // Size IFD0 with a placeholder pointer first: the Exif IFD goes right after it.
  if (exifEntries.length) ifd0Entries.push([TAG.ExifIfd, { long: 0 }]);
  const sized = writeIfd(ifd0Entries, 8);
  if (!exifEntries.length) return Buffer.concat([header, sized]);
  const exifStart = 8 + sized.length;
  const ifd0 = writeIfd(
    ifd0Entries.map(([tag, value]) => (tag === TAG.ExifIfd ? [tag, { long: exifStart }] : [tag, value])),
    8,
  );
  return Buffer.concat([header, ifd0, writeIfd(exifEntries, exifStart)]);
}

/** A real JPEG (decodes fine) whose APP1 segment carries exactly `spec`. */
export async function jpegWithExif(spec: ExifSpec, options: { width?: number; height?: number; colour?: string } = {}): Promise<Buffer> {
  const plain = await sharp({ create: { width: options.width ?? 720, height: options.height ?? 480, channels: 3, background: options.colour ?? '#557799' } })
    .jpeg()
    .toBuffer();
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiffBlock(spec)]);
  if (payload.length + 2 > 0xffff) throw new Error(`EXIF block of ${payload.length} bytes does not fit one APP1 segment`);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([plain.subarray(0, 2), app1, payload, plain.subarray(2)]);
}
