import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStatusFeed, type ImageStatusEvent, statusFeedOf } from '../../server/images';
import { formData, makeJpeg } from '../../server/testing/photos';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
let cookie: string;
let viewer: string;
beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false' });
  ({ cookie } = await t.owner());
  ({ cookie: viewer } = await t.viewer(cookie));
});
afterAll(() => t.close());

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const upload = async (name: string, data: Buffer) => {
  const res = await t.api('/admin/images', { method: 'POST', cookie, body: formData([{ name, data }]) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
};
const check = (json: unknown, as = cookie) => t.api('/admin/images/check', { method: 'POST', cookie: as, json });

it('both operations are in the OpenAPI document, with their shapes', async () => {
  const doc = (await (await t.api('/openapi.json')).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/admin/images/check', '/api/v1/admin/images/events']));
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['CheckHashes', 'CheckHashesResult', 'KnownImage']));
});

describe('POST /admin/images/check', () => {
  it('answers the known digests with their image, and nothing for the unknown ones', async () => {
    const a = await makeJpeg({ seed: 101 });
    const id = await upload('a.jpg', a);
    const unknown = sha(Buffer.from('never uploaded'));
    const res = await check({ sha256: [unknown, sha(a), sha(a)] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { known: Record<string, unknown>[] };
    expect(body).toEqual({ known: [{ sha256: sha(a), imageId: id, status: 'pending' }] });
  });

  it.each([
    ['an empty list', { sha256: [] }],
    ['uppercase hex', { sha256: ['A'.repeat(64)] }],
    ['a short digest', { sha256: ['ab'.repeat(16)] }],
    ['1001 digests', { sha256: Array.from({ length: 1001 }, (_, i) => sha(Buffer.from(String(i)))) }],
    ['an extra field', { sha256: ['a'.repeat(64)], names: ['x.jpg'] }],
  ])('refuses %s with 400', async (_label, json) => {
    const res = await check(json);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('accepts 1000 digests', async () => {
    expect((await check({ sha256: Array.from({ length: 1000 }, (_, i) => sha(Buffer.from(`n${i}`))) })).status).toBe(200);
  });

  it('is for admins only', async () => {
    expect((await t.api('/admin/images/check', { method: 'POST', json: { sha256: ['a'.repeat(64)] } })).status).toBe(401);
    expect((await check({ sha256: ['a'.repeat(64)] }, viewer)).status).toBe(403);
  });
});

/** An SSE response read as `status` events; `until` reads on until it says enough. */
function sse(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: ImageStatusEvent[] = [];
  let buffer = '';
  let ended = false;
  return {
    events,
    reader,
    async until(enough: (events: ImageStatusEvent[]) => boolean) {
      while (!enough(events)) {
        const { value, done } = await reader.read();
        if (done) return (ended = true);
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.includes('event: status') && data) events.push(JSON.parse(data.slice(6)) as ImageStatusEvent);
        }
      }
      return ended;
    },
  };
}

const feed = () => statusFeedOf(t.services, { db: t.services.db, listen: t.services.database.listen, log: t.services.images.log });

describe('GET /admin/images/events', () => {
  it('sends the current status, then ready with a thumbnail when developed; stops watching on client abort', async () => {
    const id = await upload('b.jpg', await makeJpeg({ seed: 102 }));
    const res = await t.api(`/admin/images/events?ids=${id},missing-id`, { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = sse(res);
    await stream.until((e) => e.length >= 2);
    expect(stream.events).toEqual(expect.arrayContaining([{ id, status: 'pending' }, { id: 'missing-id', status: 'deleted' }]));
    expect(feed().watching).toBe(1);

    expect(await (await t.tick()).json()).toMatchObject({ failed: 0 });
    await stream.until((e) => e.some((x) => x.status === 'ready'));
    const ready = stream.events.find((x) => x.status === 'ready');
    expect(Object.keys(ready ?? {}).sort()).toEqual(['id', 'status', 'thumbnail']);
    expect(ready?.thumbnail).toMatch(new RegExp(`^/api/v1/files/variants/${id}/`));

    await stream.reader.cancel();
    await expect.poll(() => feed().watching).toBe(0);
  });

  it('refuses without ids, with too many, and for a viewer or a stranger', async () => {
    expect((await t.api('/admin/images/events', { cookie })).status).toBe(400);
    const many = Array.from({ length: 201 }, (_, i) => `id-${i}`).join(',');
    expect((await t.api(`/admin/images/events?ids=${many}`, { cookie })).status).toBe(400);
    expect((await t.api('/admin/images/events?ids=x', { cookie: viewer })).status).toBe(403);
    expect((await t.api('/admin/images/events?ids=x')).status).toBe(401);
  });

  it('shutdown ends open streams, and new ones are refused', async () => {
    const res = await t.api('/admin/images/events?ids=whatever', { cookie });
    const stream = sse(res);
    await stream.until((e) => e.length >= 1);
    await closeStatusFeed(t.services);
    expect(await stream.until(() => false)).toBe(true);
    expect(stream.events).toEqual([{ id: 'whatever', status: 'deleted' }]);
    expect((await t.api('/admin/images/events?ids=whatever', { cookie })).status).toBe(503);
  });
});
