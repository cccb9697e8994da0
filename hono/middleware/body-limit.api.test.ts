import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../testing/client';

const MiB = 1024 * 1024;

/**
 * A request body that never ends (a client that would send forever), counting what the
 * server pulled. Answered at all means the limit is enforced while streaming.
 */
function endless(first = '{"email":"a@example.com","password":"') {
  const sent = { bytes: 0 };
  const filler = new Uint8Array(16 * 1024).fill(0x61);
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = started ? filler : new TextEncoder().encode(first);
      started = true;
      sent.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { body, sent };
}

/** A multipart upload whose file part never ends, or stalls after `stallAfter` bytes. */
function multipart(options: { stallAfter?: number } = {}) {
  const boundary = 'darkroom-test-boundary';
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const filler = new Uint8Array(16 * 1024).fill(0xff);
  const sent = { bytes: 0 };
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (options.stallAfter !== undefined && sent.bytes >= options.stallAfter) {
        await new Promise(() => {}); // the client stops sending and never closes
      }
      const chunk = started ? filler : head;
      started = true;
      sent.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { body, sent, type: `multipart/form-data; boundary=${boundary}` };
}

const streamed = (body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  ({ method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json', ...headers } }) as RequestInit;

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; requestId: string } }).error;

describe('request body limits (through the Hono app and the auth handler)', () => {
  let t: TestClient;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestClient('pglite', {
      PREPROCESS_TICKER_ENABLED: 'false',
      UPLOAD_MAX_BYTES: String(256 * 1024),
      UPLOAD_REQUEST_MAX_BYTES: String(MiB),
      UPLOAD_IDLE_TIMEOUT_SECONDS: '1',
    });
  });
  afterAll(() => t.close());

  it('POST /setup with a declared 300 MB body: 413 before a byte is read', async () => {
    const { body, sent } = endless();
    const res = await t.api('/setup', streamed(body, { 'content-length': String(300 * MiB) }));
    expect(res.status).toBe(413);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(error.requestId).toBe(res.headers.get('x-request-id'));
    expect(sent.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it.each([
    ['without Content-Length (chunked)', {}],
    ['with a Content-Length that lies', { 'content-length': '64' }],
  ])('POST /setup %s: 413 once the limit is passed, never reading the rest', async (_label, headers) => {
    const { body, sent } = endless();
    const res = await t.api('/setup', streamed(body, headers));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('PAYLOAD_TOO_LARGE');
    expect(sent.bytes).toBeLessThan(MiB);
  });

  it('POST /setup once the owner exists: 409 without touching the body', async () => {
    ({ cookie } = await t.owner());
    const { body, sent } = endless();
    const res = await t.api('/setup', streamed(body));
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('CONFLICT');
    expect(sent.bytes).toBe(0);
  });

  it('a JSON admin route: 401 without reading the body when signed out, 413 when signed in', async () => {
    const anonymous = endless('{"title":"');
    const refused = await t.api('/admin/albums', streamed(anonymous.body));
    expect(refused.status).toBe(401);
    expect(anonymous.sent.bytes).toBe(0);

    const signedIn = endless('{"title":"');
    const res = await t.api('/admin/albums', { ...streamed(signedIn.body), cookie });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('PAYLOAD_TOO_LARGE');
    expect(signedIn.sent.bytes).toBeLessThan(MiB);
  });

  it('a JSON body within the limit still works', async () => {
    const res = await t.api('/admin/albums', { method: 'POST', cookie, json: { title: 'Small', description: 'x'.repeat(4000) } });
    expect(res.status).toBe(201);
  });

  it('POST /api/auth/sign-in/email: 413 without buffering the body', async () => {
    const { body, sent } = endless();
    const res = await t.auth('/sign-in/email', streamed(body));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('PAYLOAD_TOO_LARGE');
    expect(sent.bytes).toBeLessThan(MiB);
    // And a normal sign-in is untouched.
    expect((await t.signIn('owner@example.com', 'owner-password')).response.status).toBe(200);
  });

  const tmpFiles = () => {
    const dir = path.join(t.services.dataDir, 'tmp');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  it('an upload past UPLOAD_REQUEST_MAX_BYTES: 413 and no temp file left', async () => {
    const upload = multipart();
    const res = await t.api('/admin/images', { method: 'POST', body: upload.body, duplex: 'half', cookie, headers: { 'content-type': upload.type } } as RequestInit);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).message).toContain('UPLOAD_REQUEST_MAX_BYTES');
    expect(upload.sent.bytes).toBeLessThan(2 * MiB);
    expect(tmpFiles()).toEqual([]);
  });

  it('an upload that stalls mid-file is cut off after UPLOAD_IDLE_TIMEOUT_SECONDS: 408 and no temp file left', async () => {
    const upload = multipart({ stallAfter: 64 * 1024 });
    const res = await t.api('/admin/images', { method: 'POST', body: upload.body, duplex: 'half', cookie, headers: { 'content-type': upload.type } } as RequestInit);
    expect(res.status).toBe(408);
    expect((await errorOf(res)).code).toBe('REQUEST_TIMEOUT');
    expect(upload.sent.bytes).toBeGreaterThan(64 * 1024 - 1);
    expect(tmpFiles()).toEqual([]);
  });
});
