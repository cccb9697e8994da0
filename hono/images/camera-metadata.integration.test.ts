import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackground } from '../../server/boot';
import { jpegWithExif, TAG } from '../../server/testing/exif';
import { formData } from '../../server/testing/photos';
import { until } from '../../server/testing/processes';
import { createTestClient, type TestClient } from '../testing/client';

type Image = {
  id: string;
  status: string;
  title: string;
  originalName: string;
  width: number;
  height: number;
  exif: Record<string, unknown>;
  warnings: string[];
  lastError: string | null;
  variants: unknown[];
};

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'server', 'testing', 'fixtures');
const NOT_CLEAN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]|\p{Cs}/u;

// The jsonb write of the result is where a NUL failed the photo, so this runs the real worker loop on PostgreSQL.
describe('photos with hostile or odd metadata develop on PostgreSQL', () => {
  let t: TestClient;
  let cookie: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    // One attempt: a photo that cannot be stored fails at once instead of retrying with backoff.
    t = await createTestClient('postgres', { PREPROCESS_CONCURRENCY: '2', PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_POLL_SECONDS: '1', PREPROCESS_MAX_ATTEMPTS: '1' });
    ({ cookie } = await t.owner());
    stop = await startBackground(t.services);
  });
  afterAll(async () => {
    await stop();
    await t.close();
  });

  async function develop(name: string, data: Buffer): Promise<Image> {
    const res = await t.api('/admin/images', { method: 'POST', cookie, body: formData([{ name, data, type: 'image/jpeg' }]) });
    expect(res.status).toBe(202);
    const [accepted] = ((await res.json()) as { items: Image[] }).items;
    return until(
      `${name} to be developed`,
      async () => {
        const image = (await (await t.api(`/admin/images/${accepted?.id}`, { cookie })).json()) as Image;
        return image.status === 'ready' || image.status === 'failed' ? image : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  const expectClean = (image: Image) => {
    for (const [field, value] of Object.entries(image.exif)) if (typeof value === 'string') expect(value, field).not.toMatch(NOT_CLEAN);
    for (const text of [image.title, image.originalName, ...image.warnings]) expect(text).not.toMatch(NOT_CLEAN);
  };

  it('a NUL inside the Make (the Nokia N9 wallpaper) develops to ready, with the camera named and a warning', async () => {
    const data = await jpegWithExif({ ifd0: { [TAG.Make]: 'Nokia\u00002\u0000', [TAG.Model]: 'N9\u0000\u0000\u0000\u0000\u0000' }, exif: { [TAG.FNumber]: [22, 10], [TAG.ISO]: 100 } });
    const image = await develop('wallpaper.jpg', data);
    expect(image.lastError).toBeNull();
    expect(image.status).toBe('ready');
    expect(image.exif).toMatchObject({ make: 'Nokia', model: 'N9', fNumber: 2.2, iso: 100 });
    expect(image.warnings.join(' ')).toMatch(/Camera details were cleaned: make \(control characters\)/);
    expectClean(image);
  });

  it('bytes that are not UTF-8, control and bidi characters, and a 60,000-character lens are cleaned, not fatal', async () => {
    const data = await jpegWithExif(
      {
        ifd0: { [TAG.Make]: Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x00]), [TAG.Model]: Buffer.from('EOS\u001b[31m 5D\u0007\u007f \u202egpj.exe\u0000', 'utf8') },
        exif: { [TAG.LensModel]: `${'L'.repeat(60_000)}\u0000`, [TAG.DateTimeOriginal]: '2024:13:45 99:99:99\u0000' },
      },
      { colour: '#775533' },
    );
    const image = await develop('hostile.jpg', data);
    expect(image.lastError).toBeNull();
    expect(image.status).toBe('ready');
    expect(image.exif.make).toBe('Caf\ufffd');
    expect(image.exif.model).toBe('EOS[31m 5D gpj.exe');
    expect(image.exif.lens).toBe('L'.repeat(200));
    expect(image.variants.length).toBeGreaterThan(0);
    expect(image.warnings.join(' ')).toMatch(/make \(invalid text\).*model \(control characters\).*lens \(too long\)/);
    expectClean(image);
  });

  it('a file name with control and bidi characters becomes a clean title and original name', async () => {
    const data = await jpegWithExif({ ifd0: { [TAG.Make]: 'Darkroom' } }, { colour: '#335577' });
    const image = await develop('tab\there \u202eevil\u0085  .jpg', data);
    expect(image.status).toBe('ready');
    expect(image.originalName).toMatch(/^tab here .*evil.*\.jpg$/);
    expect(image.title).toMatch(/^tab here .*evil/);
    expectClean(image);
  });

  const fixtures: [file: string, expected: Partial<Image> & { exif: Record<string, unknown> }][] = [
    ['nokia-lumia-820.jpg', { width: 1278, height: 720, exif: { make: 'Nokia', model: 'Lumia 820' } }],
    ['pixelmator-2x1-bad-date.jpg', { width: 2, height: 1, exif: {} }],
    ['xiaomi-mi3-nul-fields.jpg', { width: 4208, height: 3120, exif: { make: 'XIAOMI', model: 'MI3' } }],
    ['canon-s40-big-endian.jpg', { width: 480, height: 360, exif: { make: 'Canon', model: 'S40', fNumber: 4.9 } }],
    ['canon-s400-nul-comment.jpg', { width: 640, height: 480, exif: { make: 'Canon', model: 'Canon PowerShot S400', exposureTime: 0.125 } }],
    ['rotate-270.jpg', { width: 480, height: 640, exif: {} }],
    ['nikon-d100-padded.jpg', { width: 400, height: 266, exif: { make: 'NIKON CORPORATION', model: 'NIKON D100' } }],
  ];

  it.each(fixtures)('real camera file %s develops to ready with clean camera fields', async (file, expected) => {
    const image = await develop(file, fs.readFileSync(path.join(FIXTURES, file)));
    expect(image.lastError).toBeNull();
    expect(image).toMatchObject({ status: 'ready', width: expected.width, height: expected.height });
    expect(image.exif).toMatchObject(expected.exif);
    for (const value of Object.values(image.exif)) if (typeof value === 'string') expect(value).toBe(value.trim());
    expectClean(image);
  });
});
