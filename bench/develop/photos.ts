/*
 * The photos both paths develop: deterministic, photo-like (smooth colour fields, blurred
 * texture, grain, hard-edged shapes), each unique by seed so the sha256 dedupe keeps them apart.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SETTINGS } from './settings';
import { mulberry32 } from '../lib/random';

export interface Photo {
  index: number;
  name: string;
  data: Buffer;
  sha256: string;
}

/** Random w×h values scaled up to the photo size: smooth blobs (small w×h) or texture. */
async function field(rand: () => number, w: number, h: number, channels: 1 | 3, blur?: number): Promise<Buffer> {
  const small = Buffer.alloc(w * h * channels);
  for (let i = 0; i < small.length; i++) small[i] = Math.floor(rand() * 256);
  let img = sharp(small, { raw: { width: w, height: h, channels } }).resize(SETTINGS.width, SETTINGS.height, { fit: 'fill', kernel: 'cubic' });
  if (blur) img = img.blur(blur);
  return img.raw().toBuffer();
}

export async function makePhoto(index: number, name = `bench-${String(index + 1).padStart(2, '0')}.jpg`): Promise<Photo> {
  const { width: W, height: H } = SETTINGS;
  const seed = index + 1;
  const rand = mulberry32(seed * 7919 + 17);
  const low = await field(rand, 12, 8, 3);
  const mid = await field(rand, 400, 267, 1, 2);
  const top = [rand(), rand(), rand()].map((v) => 60 + v * 195);
  const bottom = [rand(), rand(), rand()].map((v) => v * 160);
  const px = new Uint8ClampedArray(W * H * 3);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let y = 0; y < H; y++) {
    const f = y / (H - 1);
    const g0 = (top[0] ?? 0) * (1 - f) + (bottom[0] ?? 0) * f;
    const g1 = (top[1] ?? 0) * (1 - f) + (bottom[1] ?? 0) * f;
    const g2 = (top[2] ?? 0) * (1 - f) + (bottom[2] ?? 0) * f;
    for (let x = 0; x < W; x++) {
      const j = y * W + x;
      const i = j * 3;
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      const texture = ((mid[j] ?? 128) - 128) * 0.35 + ((s & 15) - 7.5) * 0.8; // texture + sensor grain
      px[i] = g0 * 0.55 + (low[i] ?? 0) * 0.3 + 20 + texture;
      px[i + 1] = g1 * 0.55 + (low[i + 1] ?? 0) * 0.3 + 20 + texture;
      px[i + 2] = g2 * 0.55 + (low[i + 2] ?? 0) * 0.3 + 20 + texture;
    }
  }
  const shapes: string[] = [];
  for (let k = 0; k < 24; k++) {
    const colour = `rgb(${Math.floor(rand() * 256)},${Math.floor(rand() * 256)},${Math.floor(rand() * 256)})`;
    const opacity = (0.25 + rand() * 0.5).toFixed(2);
    shapes.push(
      rand() < 0.5
        ? `<circle cx="${Math.floor(rand() * W)}" cy="${Math.floor(rand() * H)}" r="${Math.floor(40 + rand() * 500)}" fill="${colour}" fill-opacity="${opacity}"/>`
        : `<rect x="${Math.floor(rand() * W)}" y="${Math.floor(rand() * H)}" width="${Math.floor(40 + rand() * 1200)}" height="${Math.floor(40 + rand() * 1200)}" fill="${colour}" fill-opacity="${opacity}" transform="rotate(${Math.floor(rand() * 40) - 20})"/>`,
    );
  }
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${shapes.join('')}</svg>`);
  const day = String(1 + (index % 28)).padStart(2, '0');
  const data = await sharp(Buffer.from(px.buffer, px.byteOffset, px.byteLength), { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: svg }])
    .jpeg({ quality: SETTINGS.jpegQuality })
    .withExif({
      IFD0: { Make: 'Darkroom', Model: 'Bench Camera', Orientation: '1' },
      IFD2: { ExposureTime: '1/250', FNumber: '56/10', ISOSpeedRatings: String(100 * (1 + (index % 8))), FocalLength: '35/1', DateTimeOriginal: `2024:06:${day} 12:30:00`, LensModel: 'Bench 35mm' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
    })
    .toBuffer();
  return { index, name, data, sha256: createHash('sha256').update(data).digest('hex') };
}
