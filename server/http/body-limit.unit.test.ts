import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { BodyLimitError, limitBody, readLimited, withBodyLimit } from './body-limit';

const chunks = (...sizes: number[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const size of sizes) controller.enqueue(new Uint8Array(size));
      controller.close();
    },
  });
const stalling = (first: number) => {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull: (controller) => (sent ? new Promise<void>(() => {}) : (controller.enqueue(new Uint8Array(first)), void (sent = true))),
  });
};
const post = (body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
  new Request('http://localhost/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('limitBody / readLimited', () => {
  it('passes a body within the limit through unchanged', async () => {
    expect((await readLimited(post(chunks(10, 20)), { maxBytes: 30, idleMs: 1000 })).byteLength).toBe(30);
  });

  it('fails once more than maxBytes arrived, whatever Content-Length says', async () => {
    const error = await readLimited(post(chunks(20, 20), { 'content-length': '5' }), { maxBytes: 30, idleMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyLimitError);
    expect(error).toMatchObject({ reason: 'too-large' });
  });

  it('refuses a declared Content-Length above the limit before reading', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>({ pull: () => void (pulled = true) }, { highWaterMark: 0 });
    await expect(readLimited(post(body, { 'content-length': '31' }), { maxBytes: 30, idleMs: 1000 })).rejects.toMatchObject({ reason: 'too-large' });
    expect(pulled).toBe(false);
  });

  it('fails a body that stops arriving for idleMs, and tells the caller', async () => {
    let told: BodyLimitError | undefined;
    const reader = limitBody(stalling(8), { maxBytes: 100, idleMs: 50 }, (e) => (told = e)).getReader();
    expect((await reader.read()).value?.byteLength).toBe(8);
    await expect(reader.read()).rejects.toMatchObject({ reason: 'stalled' });
    expect(told?.reason).toBe('stalled');
  });

  it('answers 413 in the API error envelope in front of a handler, which never sees the body', async () => {
    let called = false;
    const handler = withBodyLimit(async () => ((called = true), new Response('ok')), { maxBytes: 16, idleMs: 1000 });
    const res = await handler(post('x'.repeat(17), { 'x-request-id': 'trace-17' }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('16 bytes'), requestId: 'trace-17' } });
    expect(res.headers.get('x-request-id')).toBe('trace-17');
    expect(called).toBe(false);
    expect(await (await handler(post('{"ok":true}'))).text()).toBe('ok');
  });

  it('answers 408 in the API error envelope when the body stalls, with a request id of its own', async () => {
    const handler = withBodyLimit(async () => new Response('ok'), { maxBytes: 1024, idleMs: 50 });
    const res = await handler(post(stalling(8), { 'x-request-id': 'not a plain id!' }));
    expect(res.status).toBe(408);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('REQUEST_TIMEOUT');
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('upload request limits in the configuration', () => {
  it('default to ten photos of UPLOAD_MAX_BYTES and 30 s idle', () => {
    const { upload } = loadConfig({ UPLOAD_MAX_BYTES: String(10 * 1024 * 1024) });
    expect(upload.requestMaxBytes).toBe(100 * 1024 * 1024 + 64 * 1024);
    expect(upload.idleTimeoutMs).toBe(30_000);
  });

  it('refuse a request cap that could not carry one photo of the largest size', () => {
    const env = { UPLOAD_MAX_BYTES: '1048576', UPLOAD_REQUEST_MAX_BYTES: '1048576' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/UPLOAD_REQUEST_MAX_BYTES: must be at least UPLOAD_MAX_BYTES/);
    expect(loadConfig({ ...env, UPLOAD_REQUEST_MAX_BYTES: String(1048576 + 65536) }).upload.requestMaxBytes).toBe(1048576 + 65536);
  });
});
