import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackground } from '../../server/boot';
import { until } from '../../server/testing/processes';
import { formData, makeJpeg } from '../../server/testing/photos';
import { createTestClient, type TestClient } from '../testing/client';

type Image = {
  id: string;
  status: string;
  placeholder: string | null;
  exif: Record<string, unknown>;
  takenAt: string | null;
  variants: { width: number; format: string; url: string; bytes: number }[];
};

describe('photos uploaded through the API on PostgreSQL, one and then a batch of 19,', () => {
  let t: TestClient;
  let cookie: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    t = await createTestClient('postgres', { PREPROCESS_CONCURRENCY: '2', PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_POLL_SECONDS: '1' });
    ({ cookie } = await t.owner());
    stop = await startBackground(t.services);
  });
  afterAll(async () => {
    await stop();
    await t.close();
  });

  it('all become ready with AVIF and WebP variants downloadable, a ThumbHash and EXIF', async () => {
    const files = await Promise.all(Array.from({ length: 20 }, async (_, i) => ({ name: `photo-${i}.jpg`, data: await makeJpeg({ width: 800, height: 600, seed: 100 + i }) })));
    // Two requests, so both the one-file-per-request UI path and batches are exercised.
    const accepted: Image[] = [];
    for (const batch of [files.slice(0, 1), files.slice(1)]) {
      const res = await t.api('/admin/images', { method: 'POST', cookie, body: formData(batch) });
      expect(res.status).toBe(202);
      accepted.push(...((await res.json()) as { items: Image[] }).items);
    }
    expect(new Set(accepted.map((i) => i.id)).size).toBe(20);

    const ready = await until(
      '20 images to become ready',
      async () => {
        const page = (await (await t.api('/admin/images?status=ready&limit=100', { cookie })).json()) as { items: Image[] };
        return page.items.length === 20 ? page.items : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    for (const image of ready) {
      expect(image.placeholder).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      expect(image.exif).toMatchObject({ make: 'Darkroom', model: 'Test Camera', iso: 200 });
      expect(image.takenAt).toBe('2024-06-01T12:30:00.000Z');
      const formats = new Set(image.variants.map((v) => v.format));
      expect(formats).toEqual(new Set(['avif', 'webp']));
      for (const variant of image.variants.filter((v) => v.width === 640)) {
        const file = await t.api(variant.url.replace('/api/v1', ''), { cookie });
        expect(file.status).toBe(200);
        expect(file.headers.get('content-type')).toBe(`image/${variant.format}`);
        expect((await file.arrayBuffer()).byteLength).toBe(variant.bytes);
      }
    }
  });
});
