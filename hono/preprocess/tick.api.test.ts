import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, makeJpeg } from '../../server/testing/photos';
import { captureLogs } from '../../server/testing/processes';
import { createTestClient, type TestClient } from '../testing/client';

const SECRET = 'tick-secret-7f3a9c21e4b8d605';
/** Same length as the secret, one character off; and a different length. */
const WRONG_SAME_LENGTH = `${SECRET.slice(0, -1)}X`;
const WRONG_OTHER_LENGTH = 'not-the-tick-secret-at-all-0123456789';
const RESULT_KEYS = ['claimed', 'durationMs', 'enqueued', 'failed', 'released', 'requeued', 'retrying', 'succeeded'];

const tick = (client: TestClient, secret?: string) =>
  client.api('/preprocess-tasks/tick', { method: 'POST', headers: secret === undefined ? {} : { 'x-preprocess-tick-secret': secret } });

describe('POST /preprocess-tasks/tick with PREPROCESS_TICK_SECRET', () => {
  const logs = captureLogs('trace');
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_TICK_SECRET: SECRET, PREPROCESS_TICKER_ENABLED: 'false' }, { log: logs.log });
  });
  afterAll(() => t.close());

  it.each([
    ['no header', undefined],
    ['a wrong secret of the same length', WRONG_SAME_LENGTH],
    ['a wrong secret of another length', WRONG_OTHER_LENGTH],
    ['an empty header', ''],
  ])('refuses %s with 401 and echoes nothing', async (_label, secret) => {
    const res = await tick(t, secret);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'UNAUTHORIZED', message: 'Missing or wrong x-preprocess-tick-secret header' } });
    expect(text).not.toContain(SECRET);
    if (secret) expect(text).not.toContain(secret);
  });

  it('answers 200 with what the tick did for the right secret', async () => {
    const res = await tick(t, SECRET);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(RESULT_KEYS);
    for (const key of RESULT_KEYS) expect(Number.isInteger(body[key]), key).toBe(true);
    expect(body).toMatchObject({ claimed: 0, succeeded: 0, failed: 0, retrying: 0, released: 0, requeued: 0, enqueued: 0 });
  });

  it('refuses an over-long header with a validation error that does not echo it', async () => {
    const res = await tick(t, `${SECRET}${'x'.repeat(600)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(SECRET);
  });

  it('its tick endpoint creates work: a pending image without a job is enqueued and developed', async () => {
    const { cookie } = await t.owner();
    const upload = await t.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'lost.jpg', data: await makeJpeg({ width: 640, height: 480, seed: 21 }) }]) });
    expect(upload.status).toBe(202);
    const [image] = ((await upload.json()) as { items: { id: string; status: string }[] }).items;
    if (!image || !/^[0-9a-f-]{36}$/.test(image.id)) throw new Error('unexpected upload answer');
    // Work the queue lost track of: the image is pending but its job row is gone.
    await t.services.db.execute(`delete from preprocess_jobs where subject_id = '${image.id}'`);
    expect(((await (await t.api('/admin/jobs', { cookie })).json()) as { items: unknown[] }).items).toEqual([]);

    // A refused tick does nothing at all: no job is created.
    expect((await tick(t, WRONG_SAME_LENGTH)).status).toBe(401);
    expect(((await (await t.api('/admin/jobs', { cookie })).json()) as { items: unknown[] }).items).toEqual([]);
    expect(((await (await t.api(`/admin/images/${image.id}`, { cookie })).json()) as { status: string }).status).toBe('pending');

    const res = await tick(t, SECRET);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ enqueued: 1, claimed: 1, succeeded: 1, failed: 0 });
    const developed = (await (await t.api(`/admin/images/${image.id}`, { cookie })).json()) as { status: string; variants: unknown[] };
    expect(developed.status).toBe('ready');
    expect(developed.variants).toHaveLength(4);
    expect(await (await tick(t, SECRET)).json()).toMatchObject({ enqueued: 0, claimed: 0 });
  });

  it('writes neither the secret nor a wrong one to any log line', async () => {
    await tick(t, SECRET);
    await tick(t, WRONG_SAME_LENGTH);
    await tick(t, WRONG_OTHER_LENGTH);
    const text = logs.text();
    const requests = logs.lines().filter((l) => l.msg === 'request' && l.path === '/api/v1/preprocess-tasks/tick');
    // The capture works: the tick requests of this file were logged, refused and accepted.
    expect(requests.map((l) => l.status)).toEqual(expect.arrayContaining([200, 401, 400]));
    expect(logs.lines().some((l) => l.msg === 'job succeeded')).toBe(true);
    for (const value of [SECRET, WRONG_SAME_LENGTH, WRONG_OTHER_LENGTH]) expect(text).not.toContain(value);
    expect(text).not.toContain(SECRET.slice(4, -4)); // nor a recognisable part of it
  });
});

describe('POST /preprocess-tasks/tick without a secret configured', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('is open: 200 with or without a header', async () => {
    const bare = await tick(t);
    expect(bare.status).toBe(200);
    expect(Object.keys((await bare.json()) as object).sort()).toEqual(RESULT_KEYS);
    expect((await tick(t, 'anything-at-all-here')).status).toBe(200);
  });
});
