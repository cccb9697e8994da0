import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '../testing/photos';
import { listBucket, s3Env, startS3rver, type TestS3 } from '../testing/s3';
import { createTestServices, TEST_BASE_URL, type TestServices } from '../testing/services';
import { uploadsProbe } from '../testing/uploads';
import { UPLOADS_PATH } from './tus';

/*
 * tus on STORAGE_DRIVER=s3 (s3rver): chunks go to the bucket as multipart parts, a finished
 * upload is ingested like any other and leaves nothing of itself in the bucket, and the
 * expiry duty aborts the multipart upload of an abandoned one and removes its objects.
 * The tus requests go straight to the upload service (the Hono edge is covered by the api test).
 */

const TUS = { 'tus-resumable': '1.0.0' };
let s3: TestS3;
let s: TestServices;
beforeAll(async () => {
  s3 = await startS3rver();
  // Expiry after ~2 s, so the test can let an upload expire; nothing else depends on the clock.
  s = await createTestServices('pglite', { ...s3Env(s3), PREPROCESS_TICKER_ENABLED: 'false', UPLOAD_EXPIRE_HOURS: String(2 / 3600) });
});
afterAll(async () => {
  await s?.close();
  await s3?.stop();
});

const request = (method: string, url: string, headers: Record<string, string>, body?: Uint8Array) =>
  s.uploads.handle(new Request(`${TEST_BASE_URL}${url}`, { method, headers: { ...TUS, origin: TEST_BASE_URL, ...headers }, body, duplex: 'half' } as RequestInit));
const create = async (length: number) => {
  const res = await request('POST', UPLOADS_PATH, { 'upload-length': String(length), 'upload-metadata': `filename ${Buffer.from('s3.jpg').toString('base64')}` });
  expect(res.status).toBe(201);
  return res.headers.get('location') ?? '';
};
const patch = (url: string, offset: number, data: Buffer) =>
  request('PATCH', url, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, new Uint8Array(data));

describe('tus on S3', () => {
  it('round trip in two chunks: accepted, and the bucket holds only the original', async () => {
    const data = await makeJpeg({ width: 900, height: 700, seed: 61, quality: 100 });
    const url = await create(data.length);
    const half = Math.floor(data.length / 2);
    expect((await patch(url, 0, data.subarray(0, half))).status).toBe(204);
    expect(await listBucket(s3)).not.toEqual([]);
    const last = await patch(url, half, data.subarray(half));
    expect(last.status, await last.clone().text()).toBe(204);
    expect(last.headers.get('darkroom-upload-outcome')).toBe('accepted');
    const keys = await listBucket(s3);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^originals/${last.headers.get('darkroom-image-id')}/`));
    expect(await uploadsProbe(s.db).count('tus_uploads')).toBe(0);
  });

  it('the expiry duty removes an abandoned upload: multipart parts, objects and info', async () => {
    const before = await listBucket(s3);
    const data = await makeJpeg({ width: 900, height: 700, seed: 62, quality: 100 });
    const url = await create(data.length);
    expect((await patch(url, 0, data.subarray(0, 1000))).status).toBe(204);
    expect((await listBucket(s3)).length).toBeGreaterThan(before.length);
    await new Promise((r) => setTimeout(r, 2500));
    await s.uploads.removeExpired();
    expect(await listBucket(s3)).toEqual(before);
    expect(await uploadsProbe(s.db).count('tus_uploads')).toBe(0);
    expect((await request('HEAD', url, {})).status).toBeGreaterThanOrEqual(404);
  });
});
