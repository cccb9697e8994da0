import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, makeJpeg, makeJpegWithCorruptExif, makePngBomb, makeTruncatedJpeg } from '../../server/testing/photos';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
let cookie: string;
beforeAll(async () => {
  t = await createTestClient('pglite', { UPLOAD_MAX_BYTES: String(2 * 1024 * 1024), PREPROCESS_TICKER_ENABLED: 'false' });
  ({ cookie } = await t.owner());
});
afterAll(() => t.close());

type Image = { id: string; status: string; variants: { width: number; format: string; url: string; bytes: number }[]; placeholder: string | null; exif: Record<string, unknown>; warnings: string[] };

const upload = (files: Parameters<typeof formData>[0]) => t.api('/admin/images', { method: 'POST', cookie, body: formData(files) });
const uploadsDir = () => path.join(t.services.dataDir, 'uploads');
const storedFiles = () => (fs.existsSync(uploadsDir()) ? fs.readdirSync(uploadsDir(), { recursive: true }).filter((f) => fs.statSync(path.join(uploadsDir(), String(f))).isFile()) : []);
const imageCount = async () => ((await (await t.api('/admin/images?limit=100', { cookie })).json()) as { items: unknown[] }).items.length;

describe('bad uploads: a clear 4xx, no file, no row', () => {
  it.each([
    ['an empty file', async () => ({ name: 'empty.jpg', data: Buffer.alloc(0) }), 400, /is empty/],
    ['a truncated JPEG', async () => ({ name: 'cut.jpg', data: await makeTruncatedJpeg() }), 400, /truncated or damaged/],
    ['text named .jpg', async () => ({ name: 'notes.jpg', data: Buffer.from('just some text, not a photo\n'.repeat(20)) }), 415, /not a supported image/],
    ['a 60000×60000 PNG', async () => ({ name: 'bomb.png', data: makePngBomb() }), 413, /60000×60000 \(3600 megapixels\); the limit is 200 megapixels/],
    ['a file over the cap', async () => ({ name: 'huge.jpg', data: Buffer.concat([await makeJpeg({ seed: 3 }), Buffer.alloc(3 * 1024 * 1024)]) }), 413, /larger than the upload limit of 2 MB/],
  ])('%s', async (_label, make, status, message) => {
    const file = await make();
    const res = await upload([file]);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(message);
    expect(body.error.message).toContain(file.name);
    expect(storedFiles()).toEqual([]);
    expect(await imageCount()).toBe(0);
    expect(fs.readdirSync(path.join(t.services.dataDir, 'tmp'))).toEqual([]);
  });

  it('one bad file in a batch rejects the whole batch', async () => {
    const res = await upload([
      { name: 'good.jpg', data: await makeJpeg({ seed: 4 }) },
      { name: 'bad.jpg', data: Buffer.from('nope') },
    ]);
    expect(res.status).toBe(415);
    expect(storedFiles()).toEqual([]);
    expect(await imageCount()).toBe(0);
  });

  it('refuses a request without files, and one without a session', async () => {
    expect((await t.api('/admin/images', { method: 'POST', cookie, body: new FormData() })).status).toBe(400);
    const anonymous = await t.api('/admin/images', { method: 'POST', body: formData([{ name: 'a.jpg', data: await makeJpeg() }]) });
    expect(anonymous.status).toBe(401);
  });
});

describe('upload → develop → publish', () => {
  let images: Image[];

  it('accepts several photos with 202 and pending images; the same bytes dedupe', async () => {
    const a = await makeJpeg({ seed: 10 });
    const b = await makeJpeg({ seed: 11, width: 300, height: 200 });
    const res = await upload([
      { name: 'a.jpg', data: a },
      { name: 'b.jpg', data: b },
    ]);
    expect(res.status).toBe(202);
    images = ((await res.json()) as { items: Image[] }).items;
    expect(images.map((i) => i.status)).toEqual(['pending', 'pending']);
    const again = await upload([{ name: 'a-copy.jpg', data: a }]);
    expect(((await again.json()) as { items: Image[] }).items[0]?.id).toBe(images[0]?.id);
    expect(await imageCount()).toBe(2);
  });

  it('develops them: AVIF and WebP variants, never upscaled, ThumbHash, EXIF', async () => {
    const tick = await t.tick();
    expect(await tick.json()).toMatchObject({ claimed: 2, succeeded: 2, failed: 0 });
    const big = (await (await t.api(`/admin/images/${images[0]?.id}`, { cookie })).json()) as Image;
    expect(big.status).toBe('ready');
    expect(big.variants.map((v) => `${v.width}.${v.format}`)).toEqual(['320.avif', '320.webp', '640.avif', '640.webp', '1280.avif', '1280.webp']);
    expect(big.placeholder).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(big.exif).toMatchObject({ make: 'Darkroom', model: 'Test Camera', fNumber: 5.6, iso: 200, focalLength: 35, exposureTime: 0.004 });
    expect(big.exif.gps).toMatchObject({ latitude: expect.closeTo(48.8567, 3), longitude: expect.closeTo(2.3508, 3) });
    const small = (await (await t.api(`/admin/images/${images[1]?.id}`, { cookie })).json()) as Image;
    expect(small.variants.map((v) => `${v.width}.${v.format}`)).toEqual(['300.avif', '300.webp']);
  });

  it('serves nothing publicly until the album is public; then images and files, without GPS', async () => {
    const album = (await (await t.api('/admin/albums', { method: 'POST', cookie, json: { title: 'Summer Trip' } })).json()) as { id: string; slug: string };
    expect(album.slug).toBe('summer-trip');
    for (const image of images) await t.api(`/admin/images/${image.id}`, { method: 'PATCH', cookie, json: { albumId: album.id, tags: ['Beach'] } });
    const id = images[0]?.id ?? '';
    expect((await t.api(`/images/${id}`)).status).toBe(404);
    expect((await t.api('/albums/summer-trip')).status).toBe(404);
    const url = images[0] ? ((await (await t.api(`/admin/images/${id}`, { cookie })).json()) as Image).variants[0]?.url : undefined;
    expect((await t.api(String(url).replace('/api/v1', ''))).status).toBe(404);
    expect((await t.api(String(url).replace('/api/v1', ''), { cookie })).status).toBe(200);

    await t.api(`/admin/albums/${album.id}`, { method: 'PATCH', cookie, json: { visibility: 'public' } });
    const page = (await (await t.api('/albums/summer-trip')).json()) as { album: { imageCount: number }; images: { items: Image[] } };
    expect(page.album.imageCount).toBe(2);
    const pub = (await (await t.api(`/images/${id}`)).json()) as Image & Record<string, unknown>;
    expect(pub.exif.gps).toBeUndefined();
    expect(pub).not.toHaveProperty('originalName');
    expect(pub).not.toHaveProperty('tags');
    const file = await t.api(String(pub.variants[0]?.url).replace('/api/v1', ''));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/avif');
    expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Number(file.headers.get('content-length'))).toBe(pub.variants[0]?.bytes);
    expect((await file.arrayBuffer()).byteLength).toBe(pub.variants[0]?.bytes);
    const cached = await t.api(String(pub.variants[0]?.url).replace('/api/v1', ''), { headers: { 'if-none-match': file.headers.get('etag') ?? '' } });
    expect(cached.status).toBe(304);

    await t.api(`/admin/albums/${album.id}`, { method: 'PATCH', cookie, json: { allowGps: true } });
    expect(((await (await t.api(`/images/${id}`)).json()) as Image).exif.gps).toBeDefined();
    const albums = (await (await t.api('/albums')).json()) as { items: { slug: string; cover: Image | null }[] };
    expect(albums.items[0]).toMatchObject({ slug: 'summer-trip', cover: { status: 'ready' } });
  });

  it('never serves originals or unknown keys through /files', async () => {
    const keys = storedFiles().map(String).filter((f) => f.startsWith('originals/'));
    expect(keys.length).toBe(2);
    for (const key of [...keys, 'variants/../originals/x', 'nope']) expect((await t.api(`/files/${key}`)).status).toBe(404);
  });

  it('delete removes the rows, the original and every variant', async () => {
    const id = images[1]?.id ?? '';
    expect((await t.api(`/admin/images/${id}`, { method: 'DELETE', cookie })).status).toBe(204);
    expect((await t.api(`/admin/images/${id}`, { cookie })).status).toBe(404);
    expect(storedFiles().filter((f) => String(f).includes(id))).toEqual([]);
  });

  it('a corrupt EXIF block does not fail the image: developed with a warning', async () => {
    const res = await upload([{ name: 'odd-exif.jpg', data: await makeJpegWithCorruptExif() }]);
    const [image] = ((await res.json()) as { items: Image[] }).items;
    await t.tick();
    const developed = (await (await t.api(`/admin/images/${image?.id}`, { cookie })).json()) as Image;
    expect(developed.status).toBe('ready');
    expect(developed.warnings.join()).toMatch(/EXIF could not be read/);
  });
});

describe('file names', () => {
  it('keeps a non-ASCII file name as the browser sent it (UTF-8), for the title', async () => {
    const res = await upload([{ name: 'Café à Zürich – 東京.jpg', data: await makeJpeg({ seed: 41 }) }]);
    expect(res.status).toBe(202);
    const [image] = ((await res.json()) as { items: { id: string; title: string }[] }).items;
    expect(image?.title).toBe('Café à Zürich – 東京');
    expect((await t.api(`/admin/images/${image?.id}`, { method: 'DELETE', cookie })).status).toBe(204);
  });
});
