import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, makeJpeg } from '../../server/testing/photos';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
let cookie: string;
let viewer: string;
let id: string;
beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false' });
  ({ cookie } = await t.owner());
  ({ cookie: viewer } = await t.viewer(cookie));
  const res = await t.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'jump.jpg', data: await makeJpeg({ seed: 91 }) }]) });
  expect(res.status).toBe(202);
  id = ((await res.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
});
afterAll(() => t.close());

const list = (query: string, as: string | null = cookie) => t.api(`/admin/images?${query}`, { cookie: as ?? undefined });
const ids = async (query: string) => ((await (await list(query)).json()) as { items: { id: string }[] }).items.map((i) => i.id);

describe('GET /admin/images?before= (jump by date)', () => {
  it('starts the list at that time: a photo uploaded now is in a window that starts tomorrow, not in one that ended yesterday', async () => {
    const day = 24 * 3600 * 1000;
    expect(await ids(`before=${new Date(Date.now() + day).toISOString()}`)).toEqual([id]);
    expect(await ids(`before=${new Date(Date.now() - day).toISOString()}`)).toEqual([]);
    expect(await ids(`before=${encodeURIComponent('2999-01-01T00:00:00+02:00')}`)).toEqual([id]);
  });

  it.each([['a date without a time', '2024-03-01'], ['a word', 'yesterday'], ['a time without an offset', '2024-03-01T00:00:00']])(
    'refuses %s with 400 and says what it wants',
    async (_label, value) => {
      const res = await list(`before=${encodeURIComponent(value)}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.message).toContain('before must be an ISO 8601 time with an offset');
    },
  );

  it.each([
    ['before', 'before=2024-03-01T00:00:00Z%00'],
    ['q', 'q=abc%00def'],
    ['q', 'q=%1b%5b31m'],
  ])('refuses control bytes in %s with 400', async (_name, query) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('control character');
  });

  it('is for admins only', async () => {
    expect((await list('before=2024-03-01T00:00:00Z', null)).status).toBe(401);
    expect((await list('before=2024-03-01T00:00:00Z', viewer)).status).toBe(403);
  });
});
