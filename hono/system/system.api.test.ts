import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
let cookie: string;
beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_CONCURRENCY: '0' });
  ({ cookie } = await t.owner());
});
afterAll(() => t.close());

const photo = (id: string, status: 'pending' | 'ready' | 'failed') => `('${id}', 'originals/${id}', '${id}.jpg', 'image/jpeg', 1, '${id}', '${status}')`;

describe('GET /admin/system: photo counts for the dashboard', () => {
  it('counts a small library exactly, per status', async () => {
    const empty = await (await t.api('/admin/system', { cookie })).json();
    expect(empty).toMatchObject({ images: { total: 0, byStatus: { pending: 0, processing: 0, ready: 0, failed: 0 }, approximate: false } });
    const rows = [photo('a', 'ready'), photo('b', 'ready'), photo('c', 'pending'), photo('d', 'failed')];
    await t.services.db.execute(`insert into images (id, original_key, original_name, mime, bytes, sha256, status) values ${rows.join(', ')}`);
    const body = await (await t.api('/admin/system', { cookie })).json();
    expect(body).toMatchObject({ images: { total: 4, byStatus: { pending: 1, processing: 0, ready: 2, failed: 1 }, approximate: false } });
  });

  it('tells nobody without a session', async () => {
    expect((await t.api('/admin/system')).status).toBe(401);
  });
});
