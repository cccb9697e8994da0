/*
 * One public album of `count` developed photos, fast: a few originals go through the real
 * develop (developImage: the same variants, ThumbHash and colour as an upload gets), then
 * every photo is a row of its own with those variants written under its own keys, so the
 * album page renders exactly as it would for `count` uploads.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Services } from '../../server/boot';
import { schema } from '../../server/db';
import { developImage, VARIANT_WIDTHS } from '../../server/images';
import { originalKey, variantKey } from '../../server/images/keys';
import { makeJpeg } from '../../server/testing/photos';
import { ensureOwner } from '../../server/users';

export interface Seeded {
  slug: string;
  photos: number;
  distinctOriginals: number;
}

const SIZES = [
  [1920, 1280],
  [1280, 1920],
  [1920, 1440],
  [1920, 1080],
  [1440, 1920],
  [1920, 1280],
] as const;
const CONTENT_TYPES = { avif: 'image/avif', webp: 'image/webp' } as const;
const ROWS_PER_INSERT = 100;

export async function seedAlbum(services: Services, count: number): Promise<Seeded> {
  const { db, storage } = services;
  await ensureOwner({ db }, { email: 'bench@example.com', password: 'bench-password-bench' });
  const developed = [];
  for (const [i, [width, height]] of SIZES.entries()) {
    const original = await makeJpeg({ width, height, seed: 40 + i * 7 });
    developed.push({ original, result: await developImage(original, { maxPixels: 100_000_000, widths: VARIANT_WIDTHS }) });
  }

  const albumId = randomUUID();
  const slug = `bench-${count}`;
  const start = Date.now();
  const rows: (typeof schema.images.$inferInsert)[] = [];
  const variantRows: (typeof schema.imageVariants.$inferInsert)[] = [];
  const writes: (() => Promise<void>)[] = [];
  for (let n = 0; n < count; n++) {
    const source = developed[n % developed.length];
    if (!source) throw new Error('no developed original');
    const { result, original } = source;
    const id = randomUUID();
    const token = randomUUID().slice(0, 8);
    rows.push({
      id,
      albumId,
      title: `Photo ${n + 1}`,
      originalKey: originalKey(id, 'jpg'),
      originalName: `photo-${n + 1}.jpg`,
      mime: 'image/jpeg',
      bytes: original.length,
      sha256: createHash('sha256').update(id).digest('hex'),
      width: result.width,
      height: result.height,
      takenAt: result.takenAt,
      exif: result.exif,
      placeholder: result.placeholder,
      dominantColor: result.dominantColor,
      status: 'ready',
      visibility: 'public',
      // Newest first is the album's order: photo 1 is the newest.
      createdAt: new Date(start - n * 1000),
    });
    for (const v of result.variants) {
      const key = variantKey(id, token, v.width, v.format);
      variantRows.push({ imageId: id, width: v.width, height: v.height, format: v.format, bytes: v.data.length, key });
      writes.push(() => storage.put(key, v.data, CONTENT_TYPES[v.format]));
    }
  }
  await db.insert(schema.albums).values({ id: albumId, slug, title: `Bench album (${count} photos)`, visibility: 'public', position: 0 });
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await db.insert(schema.images).values(rows.slice(i, i + ROWS_PER_INSERT));
  for (let i = 0; i < variantRows.length; i += ROWS_PER_INSERT) await db.insert(schema.imageVariants).values(variantRows.slice(i, i + ROWS_PER_INSERT));
  // A few writes at a time: the local store renames each file into place.
  for (let i = 0; i < writes.length; i += 32) await Promise.all(writes.slice(i, i + 32).map((write) => write()));
  return { slug, photos: count, distinctOriginals: developed.length };
}
