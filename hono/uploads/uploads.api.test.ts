import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '../../server/testing/photos';
import { uploadsProbe } from '../../server/testing/uploads';
import { expiredUploadsDuty } from '../../server/uploads';
import { createTestClient, type TestClient } from '../testing/client';

const MAX = 2 * 1024 * 1024;
const CHUNK = 64 * 1024;
let t: TestClient;
let cookie: string;
beforeAll(async () => {
  t = await createTestClient('pglite', { UPLOAD_MAX_BYTES: String(MAX), UPLOAD_CHUNK_BYTES: String(CHUNK), PREPROCESS_TICKER_ENABLED: 'false' });
  ({ cookie } = await t.owner());
});
afterAll(() => t.close());

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const partialDir = () => t.services.uploads.partialDir ?? '';
const partials = () => fs.readdirSync(partialDir());
const countRows = (table: 'images' | 'tus_uploads' | 'tus_upload_locks') => uploadsProbe(t.services.db).count(table);

async function create(length: number, name = 'photo.jpg', extra: RequestInit = {}) {
  const res = await t.api('/admin/uploads', {
    method: 'POST',
    cookie,
    headers: { ...TUS, 'upload-length': String(length), 'upload-metadata': `filename ${b64(name)},filetype ${b64('image/jpeg')}` },
    ...extra,
  });
  return res;
}
const urlOf = (res: Response) => {
  const location = res.headers.get('location') ?? '';
  expect(location).toMatch(/^\/api\/v1\/admin\/uploads\/[0-9a-f]{32}$/);
  return location.replace('/api/v1', '');
};
const patch = (url: string, offset: number, body: Buffer | ReadableStream<Uint8Array>) =>
  t.api(url, {
    method: 'PATCH',
    cookie,
    headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body: body as BodyInit,
    duplex: 'half',
  } as RequestInit);
const head = (url: string) => t.api(url, { method: 'HEAD', cookie, headers: TUS });

/** Sends the rest of `data` from `offset` in CHUNK-sized PATCHes; returns the last answer. */
async function sendFrom(url: string, data: Buffer, offset = 0) {
  let res: Response | undefined;
  for (let at = offset; at < data.length; at += CHUNK) {
    res = await patch(url, at, data.subarray(at, at + CHUNK));
    if (at + CHUNK < data.length) expect(res.status).toBe(204);
  }
  return res as Response;
}

async function photo(seed: number) {
  // Big enough for several chunks: a JPEG with noise-like content.
  return makeJpeg({ seed, width: 900, height: 700, quality: 100 });
}

describe('auth and limits', () => {
  it('refuses without a session (401), without admin role (403) and from another origin (403)', async () => {
    expect((await t.api('/admin/uploads', { method: 'POST', headers: { ...TUS, 'upload-length': '10' } })).status).toBe(401);
    const viewer = await t.viewer(cookie);
    expect((await t.api('/admin/uploads', { method: 'POST', cookie: viewer.cookie, headers: { ...TUS, 'upload-length': '10' } })).status).toBe(403);
    const foreign = await t.app.request('http://localhost:3000/api/v1/admin/uploads', {
      method: 'POST',
      headers: { ...TUS, cookie, 'upload-length': '10', origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await countRows('tus_uploads')).toBe(0);
  });

  it('tells the client the chunk size', async () => {
    const res = await t.api('/admin/uploads/config', { cookie });
    expect(await res.json()).toEqual({ endpoint: '/api/v1/admin/uploads', chunkBytes: CHUNK, maxBytes: MAX, expireHours: 24 });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await t.api('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/v1/admin/uploads'));
    expect(Object.fromEntries(paths.map(([p, ops]) => [p, Object.keys(ops).sort()]))).toEqual({
      '/api/v1/admin/uploads': ['post'],
      '/api/v1/admin/uploads/config': ['get'],
      '/api/v1/admin/uploads/{id}': ['delete', 'head', 'patch'],
    });
  });

  it('refuses an Upload-Length over UPLOAD_MAX_BYTES at creation with 413', async () => {
    const res = await create(MAX + 1);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await countRows('tus_uploads')).toBe(0);
  });

  it('refuses a PATCH body over UPLOAD_CHUNK_BYTES with 413', async () => {
    const url = urlOf(await create(MAX));
    const res = await patch(url, 0, Buffer.alloc(CHUNK + 128 * 1024));
    expect(res.status).toBe(413);
    expect((await t.api(url, { method: 'DELETE', cookie, headers: TUS })).status).toBe(204);
  });
});

describe('round trip', () => {
  it('creates, resumes from HEAD, finishes: accepted with the image id; the partial is gone', async () => {
    const data = await photo(1);
    expect(data.length).toBeGreaterThan(3 * CHUNK);
    const created = await create(data.length, 'holiday.jpg');
    expect(created.status).toBe(201);
    const url = urlOf(created);
    expect((await patch(url, 0, data.subarray(0, CHUNK))).status).toBe(204);
    const h = await head(url);
    expect(h.headers.get('upload-offset')).toBe(String(CHUNK));
    expect(h.headers.get('upload-length')).toBe(String(data.length));
    // A wrong offset changes nothing.
    expect((await patch(url, 0, data.subarray(0, CHUNK))).status).toBe(409);
    const last = await sendFrom(url, data, CHUNK);
    expect(last.status).toBe(204);
    expect(last.headers.get('darkroom-upload-outcome')).toBe('accepted');
    const id = last.headers.get('darkroom-image-id');
    const image = (await (await t.api(`/admin/images/${id}`, { cookie })).json()) as { status: string; originalName: string; sha256?: string };
    expect(image.status).toBe('pending');
    expect(await uploadsProbe(t.services.db).image(id ?? '')).toEqual({ sha256: sha(data), jobs: 1 });
    expect(partials()).toEqual([]);
    expect(await countRows('tus_uploads')).toBe(0);
    expect((await head(url)).status).toBe(404);
  });

  it('the same bytes again (creation-with-upload, one request): outcome duplicate, same image', async () => {
    const data = await photo(1);
    const small = await makeJpeg({ seed: 2, width: 64, height: 48 });
    expect(small.length).toBeLessThan(CHUNK);
    const first = await create(small.length, 'small.jpg', { body: new Uint8Array(small), headers: { ...TUS, 'upload-length': String(small.length), 'content-type': 'application/offset+octet-stream' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('darkroom-upload-outcome')).toBe('accepted');
    const url = urlOf(await create(data.length, 'copy.jpg'));
    const last = await sendFrom(url, data);
    expect(last.headers.get('darkroom-upload-outcome')).toBe('duplicate');
    expect(await countRows('images')).toBe(2);
    expect(partials()).toEqual([]);
  });

  it('refuses text named .jpg with 415 and the reason; no image row, no partial', async () => {
    const before = await countRows('images');
    const text = Buffer.from('just some text, not a photo\n'.repeat(200));
    const url = urlOf(await create(text.length, 'notes.jpg'));
    const res = await sendFrom(url, text);
    expect(res.status).toBe(415);
    expect(res.headers.get('darkroom-upload-outcome')).toBeNull();
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(body.error.message).toMatch(/"notes\.jpg" is not a supported image/);
    expect(await countRows('images')).toBe(before);
    expect(partials()).toEqual([]);
    expect(await countRows('tus_uploads')).toBe(0);
  });

  it('termination removes the partial and its info', async () => {
    const data = await photo(3);
    const url = urlOf(await create(data.length));
    expect((await patch(url, 0, data.subarray(0, CHUNK))).status).toBe(204);
    expect(partials()).toHaveLength(1);
    expect((await t.api(url, { method: 'DELETE', cookie, headers: TUS })).status).toBe(204);
    expect(partials()).toEqual([]);
    expect(await countRows('tus_uploads')).toBe(0);
    expect((await head(url)).status).toBe(404);
  });
});

describe('a real tus client', () => {
  it('tus-js-client uploads in chunks over HTTP and reads the outcome headers', async () => {
    const server = http.createServer(getRequestListener(t.app.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const data = await photo(6);
      const { port } = server.address() as AddressInfo;
      const done = await new Promise<{ id: string | null; outcome: string | null }>((resolve, reject) => {
        const upload = new Upload(data, {
          endpoint: `http://127.0.0.1:${port}/api/v1/admin/uploads`,
          chunkSize: CHUNK,
          retryDelays: [],
          metadata: { filename: 'client.jpg', filetype: 'image/jpeg' },
          headers: { cookie, origin: 'http://localhost:3000' },
          onError: reject,
          onAfterResponse: (req, res) => {
            if (req.getMethod() === 'PATCH' && res.getHeader('darkroom-upload-outcome')) {
              resolve({ id: res.getHeader('darkroom-image-id') ?? null, outcome: res.getHeader('darkroom-upload-outcome') ?? null });
            }
          },
        });
        upload.start();
      });
      expect(done.outcome).toBe('accepted');
      expect((await uploadsProbe(t.services.db).image(done.id ?? ''))?.sha256).toBe(sha(data));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('concurrency', () => {
  it('two PATCHes of one upload at once: one stalled writer is released, the bytes stay contiguous and the file completes intact', async () => {
    const data = await photo(4);
    const url = urlOf(await create(data.length, 'race.jpg'));
    // A first PATCH that sends half a chunk, then stalls (a client whose connection hangs).
    let stall: ReadableStreamDefaultController<Uint8Array> | undefined;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        stall = controller;
        controller.enqueue(new Uint8Array(data.subarray(0, CHUNK / 2)));
      },
    });
    const first = patch(url, 0, stalled);
    // Wait until the first holds the lock and wrote its bytes.
    for (let i = 0; i < 200 && (await countRows('tus_upload_locks')) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await countRows('tus_upload_locks')).toBe(1);
    // The client retries the same chunk: the stalled request is asked to let go.
    const second = await patch(url, 0, data.subarray(0, CHUNK));
    const firstRes = await first;
    stall?.close();
    // The stalled request let go and answered with what it stored; the retry, racing it,
    // found a moved offset and changed nothing (409): the client resumes from HEAD.
    expect(firstRes.status).toBe(204);
    expect(second.status).toBe(409);
    const offset = Number((await head(url)).headers.get('upload-offset'));
    expect(firstRes.headers.get('upload-offset')).toBe(String(offset));
    expect(offset).toBeGreaterThan(0);
    const onDisk = fs.readFileSync(path.join(partialDir(), fs.readdirSync(partialDir())[0] ?? ''));
    expect(onDisk.length).toBe(offset);
    expect(onDisk.equals(data.subarray(0, offset))).toBe(true);
    const last = await sendFrom(url, data, offset);
    expect(last.headers.get('darkroom-upload-outcome')).toBe('accepted');
    const id = last.headers.get('darkroom-image-id');
    expect((await uploadsProbe(t.services.db).image(id ?? ''))?.sha256).toBe(sha(data));
    expect(await countRows('tus_upload_locks')).toBe(0);
  });
});

describe('expiry', () => {
  it('the cluster duty removes expired incomplete uploads: partial file and info row', async () => {
    const data = await photo(5);
    const keep = urlOf(await create(data.length));
    const old = urlOf(await create(data.length));
    expect((await patch(old, 0, data.subarray(0, CHUNK))).status).toBe(204);
    const oldId = old.split('/').pop() ?? '';
    await uploadsProbe(t.services.db).age(oldId, 25);
    await uploadsProbe(t.services.db).staleLock(oldId);
    const duty = expiredUploadsDuty(t.services.uploads, t.services.log, 1);
    const after = await t.services.db.transaction((tx) => duty(tx));
    await after?.();
    await duty.running;
    expect(partials()).toEqual([keep.split('/').pop()]);
    expect(await uploadsProbe(t.services.db).uploadIds()).toEqual([keep.split('/').pop()]);
    expect(await countRows('tus_upload_locks')).toBe(0);
    expect((await head(old)).status).toBe(404);
    expect((await head(keep)).status).toBe(200);
  });
});
