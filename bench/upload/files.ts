/*
 * The batch bench/upload.ts sends: valid JPEGs of an exact size, a small photo padded with
 * APP15 segments (decoders skip them, so inspection accepts the file). A nonce in the first
 * segment is rewritten between the two halves, so the second half is not deduplicated.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const APP15 = 0xef;
const SEGMENT_PAYLOAD = 65_533; // 2-byte length field counts itself
const NONCE_OFFSET = 2 + 4; // after SOI and the first segment's marker + length

async function basePhoto(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(320 * 240 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed * 97 + (i >> 7)) & 0xff;
  return sharp(pixels, { raw: { width: 320, height: 240, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

/** Writes `count` JPEGs of exactly `bytes` each into `dir`, segment by segment (never whole in memory). */
export async function writeBatch(dir: string, count: number, bytes: number): Promise<string[]> {
  const files: string[] = [];
  for (let n = 0; n < count; n++) {
    const photo = await basePhoto(n);
    const file = path.join(dir, `photo-${String(n).padStart(3, '0')}.jpg`);
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, photo.subarray(0, 2)); // SOI
      let padding = bytes - photo.length;
      const segment = Buffer.alloc(4 + SEGMENT_PAYLOAD, 0x20);
      while (padding > 0) {
        let payload = Math.min(SEGMENT_PAYLOAD, padding - 4);
        // Never leave 1–4 bytes: too few for another segment.
        const rest = padding - 4 - payload;
        if (rest > 0 && rest < 5) payload -= 5;
        if (payload < 1) throw new Error(`cannot pad to exactly ${bytes} bytes`);
        segment[0] = 0xff;
        segment[1] = APP15;
        segment.writeUInt16BE(payload + 2, 2);
        fs.writeSync(fd, segment, 0, 4 + payload);
        padding -= 4 + payload;
      }
      fs.writeSync(fd, photo.subarray(2));
    } finally {
      fs.closeSync(fd);
    }
    files.push(file);
  }
  return files;
}

/** New bytes in each file's padding: a new SHA-256, the same size and validity. */
export function renewNonces(files: string[], round: number): void {
  for (const file of files) {
    const fd = fs.openSync(file, 'r+');
    try {
      fs.writeSync(fd, Buffer.from(`round ${round} ${path.basename(file)}`.padEnd(32).slice(0, 32)), 0, 32, NONCE_OFFSET);
    } finally {
      fs.closeSync(fd);
    }
  }
}
