import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paddedJpeg } from '../../server/testing/photos';
import { listBucket, s3Env, startS3rver, type TestS3 } from '../../server/testing/s3';
import { uploadsProbe } from '../../server/testing/uploads';
import { expiredUploadsDuty } from '../../server/uploads';
import { createTestClient, type TestClient } from '../testing/client';

/*
 * tus on S3 (@tus/s3-store against s3rver): chunks become multipart parts (or, below S3's
 * 5 MiB part minimum, an incomplete-part object), a resume asks S3 which parts it holds, the
 * finished upload goes through the same ingest, and the expiry duty removes what expired
 * uploads left: their multipart uploads with every part, the incomplete part and the info.
 */

const MiB = 1024 * 1024;
const CHUNK = 6 * MiB;
const TUS = { 'tus-resumable': '1.0.0' };
let s3: TestS3;
let t: TestClient;
let cookie: string;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3rver();
  t = await createTestClient('pglite', { ...s3Env(s3), UPLOAD_MAX_BYTES: String(64 * MiB), UPLOAD_CHUNK_BYTES: String(CHUNK), PREPROCESS_TICKER_ENABLED: 'false' });
  ({ cookie } = await t.owner());
  const { accessKeyId = '', secretAccessKey = '' } = s3.config;
  client = new S3Client({ endpoint: s3.endpoint, region: s3.config.region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
});
afterAll(async () => {
  client?.destroy();
  await t?.close();
  await s3?.stop();
});

async function photo(size: number, seed: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of paddedJpeg(size, seed)) pieces.push(piece);
  return Buffer.concat(pieces);
}
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function create(length: number): Promise<string> {
  const res = await t.api('/admin/uploads', {
    method: 'POST',
    cookie,
    headers: { ...TUS, 'upload-length': String(length), 'upload-metadata': `filename ${Buffer.from('big.jpg').toString('base64')}` },
  });
  expect(res.status).toBe(201);
  return (res.headers.get('location') ?? '').replace('/api/v1', '');
}
const idOf = (url: string) => url.split('/').pop() ?? '';
const patch = (url: string, offset: number, body: Buffer) =>
  t.api(url, { method: 'PATCH', cookie, headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: new Uint8Array(body) });
const offsetOf = async (url: string) => {
  const res = await t.api(url, { method: 'HEAD', cookie, headers: TUS });
  return res.status === 200 ? Number(res.headers.get('upload-offset')) : res.status;
};

/** The bucket's keys that belong to tus uploads (not the library's originals and variants). */
const uploadKeys = async () => (await listBucket(s3)).filter((key) => /^[0-9a-f]{32}/.test(key));

/** The tus upload ids S3 holds multipart uploads for (the object key is the tus id). */
async function multipartUploads(): Promise<string[]> {
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
  return (listed.Uploads ?? []).map((u) => u.Key ?? '').sort();
}

/** Makes S3 report the upload's multipart upload as initiated `hours` ago (s3rver: the mtime of its `key` file). */
async function ageInS3(id: string, hours: number) {
  const root = path.join(s3.directory, s3.bucket, '._S3rver_uploads');
  const past = new Date(Date.now() - hours * 3_600_000);
  for (const dir of await fs.readdir(root)) {
    const keyFile = path.join(root, dir, 'key');
    if ((await fs.readFile(keyFile, 'utf8')) === id) await fs.utimes(keyFile, past, past);
  }
}

describe('tus on S3', () => {
  it('resumes from the parts S3 holds (one full part, then an incomplete one) and ingests the finished file; nothing is left in the bucket', async () => {
    const data = await photo(13 * MiB, 7);
    const url = await create(data.length);
    expect((await patch(url, 0, data.subarray(0, CHUNK))).status).toBe(204);
    expect(await offsetOf(url)).toBe(CHUNK);
    // Below S3's 5 MiB minimum: kept as an incomplete-part object and counted on resume.
    expect((await patch(url, CHUNK, data.subarray(CHUNK, CHUNK + MiB))).status).toBe(204);
    expect(await offsetOf(url)).toBe(CHUNK + MiB);
    expect(await uploadKeys()).toEqual(expect.arrayContaining([`${idOf(url)}.info`, `${idOf(url)}.part`]));

    const last = await patch(url, CHUNK + MiB, data.subarray(CHUNK + MiB));
    expect(last.status).toBe(204);
    expect(last.headers.get('darkroom-upload-outcome')).toBe('accepted');
    const image = await uploadsProbe(t.services.db).image(last.headers.get('darkroom-image-id') ?? '');
    expect(image).toEqual({ sha256: sha(data), jobs: 1 });

    expect(await multipartUploads()).toEqual([]);
    expect(await uploadKeys()).toEqual([]);
  });

  it('the cluster duty removes expired uploads from S3: multipart parts, the incomplete part, the info, the row', async () => {
    const data = await photo(12 * MiB, 8);
    const withPart = await create(data.length);
    expect((await patch(withPart, 0, data.subarray(0, CHUNK))).status).toBe(204);
    const withIncomplete = await create(data.length);
    expect((await patch(withIncomplete, 0, data.subarray(0, MiB))).status).toBe(204);
    const keep = await create(data.length);
    expect((await patch(keep, 0, data.subarray(0, MiB))).status).toBe(204);
    expect(await multipartUploads()).toEqual([withPart, withIncomplete, keep].map(idOf).sort());

    for (const url of [withPart, withIncomplete]) {
      await uploadsProbe(t.services.db).age(idOf(url), 25);
      await ageInS3(idOf(url), 25);
    }
    const duty = expiredUploadsDuty(t.services.uploads, t.services.log, 1);
    const after = await t.services.db.transaction((tx) => duty(tx));
    await after?.();
    await duty.running;

    expect(await multipartUploads()).toEqual([idOf(keep)]);
    expect(await uploadKeys()).toEqual([`${idOf(keep)}.info`, `${idOf(keep)}.part`]);
    expect(await uploadsProbe(t.services.db).uploadIds()).toEqual([idOf(keep)]);
    expect(await offsetOf(withPart)).toBe(404);
    expect(await offsetOf(withIncomplete)).toBe(404);
    expect(await offsetOf(keep)).toBe(MiB);
  });
});
