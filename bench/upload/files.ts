/*
 * The batch bench/upload.ts sends: valid JPEGs of an exact size, a small photo followed by
 * padding after its end-of-image marker. Decoders stop at that marker, so inspection reads a
 * small photo and the server's memory shows what receiving costs, not decoding. (Padding in
 * APP segments would not do: libvips keeps every APP segment in memory while reading.)
 * A nonce at the end is rewritten between the two halves, so neither is deduplicated.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const NONCE_BYTES = 32;
const WRITE_BYTES = 4 * 1024 * 1024;

async function basePhoto(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(320 * 240 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed * 97 + (i >> 7)) & 0xff;
  return sharp(pixels, { raw: { width: 320, height: 240, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

/** Writes `count` JPEGs of exactly `bytes` each into `dir`, 4 MiB at a time (never whole in memory). */
export async function writeBatch(dir: string, count: number, bytes: number): Promise<string[]> {
  const files: string[] = [];
  const padding = Buffer.alloc(WRITE_BYTES, 0x20);
  for (let n = 0; n < count; n++) {
    const photo = await basePhoto(n);
    if (bytes < photo.length + NONCE_BYTES) throw new Error(`files must be at least ${photo.length + NONCE_BYTES} bytes`);
    const file = path.join(dir, `photo-${String(n).padStart(3, '0')}.jpg`);
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, photo);
      for (let left = bytes - photo.length; left > 0; left -= WRITE_BYTES) fs.writeSync(fd, padding, 0, Math.min(WRITE_BYTES, left));
    } finally {
      fs.closeSync(fd);
    }
    files.push(file);
  }
  return files;
}

/** New bytes at the end of each file: a new SHA-256, the same size and the same photo. */
export function renewNonces(files: string[], round: number): void {
  for (const file of files) {
    const fd = fs.openSync(file, 'r+');
    try {
      const nonce = Buffer.from(`round ${round} ${path.basename(file)}`.padEnd(NONCE_BYTES).slice(0, NONCE_BYTES));
      fs.writeSync(fd, nonce, 0, NONCE_BYTES, fs.fstatSync(fd).size - NONCE_BYTES);
    } finally {
      fs.closeSync(fd);
    }
  }
}
