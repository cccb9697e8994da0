import zlib from 'node:zlib';
import sharp from 'sharp';

/** A JPEG with real EXIF (camera, exposure, date, GPS); `seed` makes its bytes unique. */
export async function makeJpeg(options: { width?: number; height?: number; seed?: number; quality?: number } = {}): Promise<Buffer> {
  const width = options.width ?? 1600;
  const height = options.height ?? 1067;
  const seed = options.seed ?? 1;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width + seed * 37;
      pixels[i + 1] = (y * 255) / height + seed * 11;
      pixels[i + 2] = ((x ^ y) + seed * 5) & 255;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: options.quality ?? 85 })
    .withExif({
      IFD0: { Make: 'Darkroom', Model: 'Test Camera', Orientation: '1' },
      IFD2: { ExposureTime: '1/250', FNumber: '56/10', ISOSpeedRatings: '200', FocalLength: '35/1', DateTimeOriginal: '2024:06:01 12:30:00', LensModel: 'Test 35mm' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
    })
    .toBuffer();
}

/**
 * A valid JPEG of exactly `size` bytes, in pieces: a small photo whose header is followed by
 * APP15 padding segments of pseudo-random bytes (nothing compresses or deduplicates them).
 * Streamed by the big-upload tests; `Buffer.concat` of it for the smaller ones.
 */
export async function* paddedJpeg(size: number, seed = 42): AsyncGenerator<Buffer> {
  const photo = await makeJpeg({ width: 640, height: 480, seed });
  yield photo.subarray(0, 2); // SOI
  let left = size - photo.length;
  let state = seed;
  while (left > 0) {
    const payload = Math.min(65533, left - 4);
    if (payload < 1) throw new Error('size does not fit segments');
    const segment = Buffer.alloc(payload + 4);
    segment.writeUInt16BE(0xffef, 0);
    segment.writeUInt16BE(payload + 2, 2);
    for (let i = 4; i < segment.length; i += 4) segment.writeUInt32BE((state = (Math.imul(state, 1103515245) + 12345) >>> 0), Math.min(i, segment.length - 4));
    yield segment;
    left -= segment.length;
  }
  yield photo.subarray(2);
}

/** A JPEG cut in half: the header reads, the image data does not. */
export async function makeTruncatedJpeg(): Promise<Buffer> {
  const whole = await makeJpeg({ width: 800, height: 600, seed: 99 });
  return whole.subarray(0, Math.floor(whole.length / 2));
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A tiny file claiming width×height pixels: a decompression bomb by its header. */
export function makePngBomb(width = 60000, height = 60000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  const idat = zlib.deflateSync(Buffer.alloc(width + 1));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG whose EXIF block is garbage (valid APP1 marker, nonsense TIFF header). */
export async function makeJpegWithCorruptExif(): Promise<Buffer> {
  const plain = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#885533' } }).jpeg().toBuffer();
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), Buffer.from('MM\0\x2a\xff\xff\xff\xf0garbage-garbage-garbage', 'binary')]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([plain.subarray(0, 2), app1, payload, plain.subarray(2)]);
}

export function formData(files: { name: string; data: Buffer; type?: string }[]): FormData {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return form;
}
