import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { formData, makeJpeg } from '../../server/testing/photos';
import type { TickResult } from '../../server/queue';
import { captureLogs, until } from '../../server/testing/processes';
import { createTestClient, type TestClient } from '../testing/client';

const SECRET = 'tick-secret-7f3a9c21e4b8d605';
const CRON = 'cron-secret-1b9e44c0a7d35f28';
/** Same length as the secret, one character off; and a different length. */
const WRONG_SAME_LENGTH = `${SECRET.slice(0, -1)}X`;
const WRONG_OTHER_LENGTH = 'not-the-tick-secret-at-all-0123456789';
const RESULT_KEYS = ['busy', 'claimed', 'durationMs', 'enqueued', 'failed', 'released', 'requeued', 'retrying', 'succeeded'];
const REFUSED = 'Missing or wrong tick secret: send x-preprocess-tick-secret: $PREPROCESS_TICK_SECRET, or Authorization: Bearer $CRON_SECRET';

const tick = (client: TestClient, secret?: string) =>
  client.api('/preprocess-tasks/tick', { method: 'POST', headers: secret === undefined ? {} : { 'x-preprocess-tick-secret': secret } });
const cron = (client: TestClient, bearer?: string, method = 'GET') =>
  client.api('/preprocess-tasks/tick', { method, headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } });

describe('the tick endpoint with PREPROCESS_TICK_SECRET and CRON_SECRET', () => {
  const logs = captureLogs('trace');
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_TICK_SECRET: SECRET, CRON_SECRET: CRON, PREPROCESS_TICKER_ENABLED: 'false' }, { log: logs.log });
  });
  afterAll(() => t.close());

  it.each([
    ['no header', () => tick(t)],
    ['a wrong secret of the same length', () => tick(t, WRONG_SAME_LENGTH)],
    ['a wrong secret of another length', () => tick(t, WRONG_OTHER_LENGTH)],
    ['an empty header', () => tick(t, '')],
    ['the cron secret in the tick header', () => tick(t, CRON)],
    ['GET without Authorization', () => cron(t)],
    ['GET with a wrong bearer', () => cron(t, WRONG_SAME_LENGTH)],
    ['GET with the tick secret as bearer', () => cron(t, SECRET)],
    ['GET with a bare Authorization value', () => t.api('/preprocess-tasks/tick', { headers: { authorization: CRON } })],
  ])('refuses %s with 401 and echoes nothing', async (_label, send) => {
    const res = await send();
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'UNAUTHORIZED', message: REFUSED } });
    for (const secret of [SECRET, CRON, WRONG_SAME_LENGTH]) expect(text).not.toContain(secret);
  });

  it('answers 200 with what the tick did for the right secret', async () => {
    const res = await tick(t, SECRET);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(RESULT_KEYS);
    for (const key of RESULT_KEYS.filter((k) => k !== 'busy')) expect(Number.isInteger(body[key]), key).toBe(true);
    expect(body).toMatchObject({ busy: false, claimed: 0, succeeded: 0, failed: 0, retrying: 0, released: 0, requeued: 0, enqueued: 0 });
  });

  it("accepts Vercel Cron's convention: GET with Authorization: Bearer $CRON_SECRET", async () => {
    const res = await cron(t, CRON);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ busy: false, claimed: 0 });
    expect((await cron(t, CRON, 'POST')).status).toBe(200);
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

  it('writes neither secret nor a wrong one to any log line', async () => {
    await tick(t, SECRET);
    await tick(t, WRONG_SAME_LENGTH);
    await tick(t, WRONG_OTHER_LENGTH);
    await cron(t, CRON);
    await cron(t, WRONG_OTHER_LENGTH);
    const text = logs.text();
    const requests = logs.lines().filter((l) => l.msg === 'request' && l.path === '/api/v1/preprocess-tasks/tick');
    // The capture works: the tick requests of this file were logged, refused and accepted.
    expect(requests.map((l) => l.status)).toEqual(expect.arrayContaining([200, 401, 400]));
    expect(logs.lines().some((l) => l.msg === 'job succeeded')).toBe(true);
    for (const value of [SECRET, CRON, WRONG_SAME_LENGTH, WRONG_OTHER_LENGTH]) expect(text).not.toContain(value);
    expect(text).not.toContain(SECRET.slice(4, -4)); // nor a recognisable part of it
    expect(text).not.toContain(CRON.slice(4, -4));
  });
});

describe('the tick endpoint with only CRON_SECRET', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_TICK_SECRET: '', CRON_SECRET: CRON, PREPROCESS_TICKER_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('accepts the bearer and refuses any x-preprocess-tick-secret', async () => {
    expect((await cron(t, CRON)).status).toBe(200);
    expect((await tick(t, SECRET)).status).toBe(401);
    expect((await tick(t, CRON)).status).toBe(401);
  });
});

describe('the tick endpoint without a secret configured', () => {
  let t: TestClient;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_TICK_SECRET: '', PREPROCESS_TICKER_ENABLED: 'false' });
    ({ cookie } = await t.owner());
  });
  afterAll(() => t.close());

  it.each([
    ['POST without a header', () => tick(t)],
    ['POST with any header', () => tick(t, 'anything-at-all-here')],
    ['GET with a bearer', () => cron(t, 'anything-at-all-here')],
  ])('is disabled: %s gets 404 naming PREPROCESS_TICK_SECRET, and nothing runs', async (_label, send) => {
    const upload = await t.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'idle.jpg', data: await makeJpeg({ width: 64, height: 48, seed: 31 }) }]) });
    const [image] = ((await upload.json()) as { items: { id: string }[] }).items;
    await t.services.db.execute(`delete from preprocess_jobs where subject_id = '${image?.id ?? ''}'`);

    const res = await send();
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.message).toContain('PREPROCESS_TICK_SECRET');
    // Disabled means disabled: the job the cluster duty would have re-created is still missing.
    expect(((await (await t.api('/admin/jobs', { cookie })).json()) as { items: unknown[] }).items).toEqual([]);
  });
});

/**
 * A job kind whose handler holds every job until released, so the test counts how many
 * run at the same moment instead of timing anything.
 */
function gatedKind(t: TestClient, kind: string) {
  const state = { running: 0, peak: 0, started: 0 };
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  t.services.queue.register(kind, {
    async run() {
      state.started++;
      state.peak = Math.max(state.peak, ++state.running);
      await gate;
      state.running--;
    },
  });
  return { state, release: () => open() };
}

describe.each([1, 2])('PREPROCESS_TICK_CONCURRENCY=%i: parallel ticks on one replica', (limit) => {
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_TICK_SECRET: SECRET, PREPROCESS_TICK_CONCURRENCY: String(limit), PREPROCESS_TICKER_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('never develop more jobs at once than the budget; a tick that finds it full answers busy at once', async () => {
    const kind = `gated-${limit}`;
    const { state, release } = gatedKind(t, kind);
    onTestFinished(release); // a failed assertion must not leave jobs holding their leases
    const jobs = 5;
    for (let i = 0; i < jobs; i++) await t.services.queue.enqueue(t.services.db, { kind, subjectId: `subject-${i}` });

    const parallel = 4;
    const answers: Record<string, unknown>[] = [];
    const ticks = Array.from({ length: parallel }, () =>
      tick(t, SECRET).then(async (res) => {
        expect(res.status).toBe(200);
        const body = (await res.json()) as Record<string, unknown>;
        answers.push(body);
        return body;
      }),
    );
    // Every tick that found no room has answered; the others hold a job each. Without a
    // budget they would all be holding one (the peak would exceed the limit).
    await until('the busy ticks to answer', () => answers.length === parallel - limit || state.peak > limit, {
      diagnostics: () => JSON.stringify({ state, answers }),
    });
    expect(state.peak).toBe(limit);
    const busy = answers.filter((a) => a.busy === true);
    expect(busy).toHaveLength(parallel - limit);
    for (const answer of busy) expect(answer).toMatchObject({ busy: true, claimed: 0, succeeded: 0 });

    // The in-process ticker shares the budget: while it is full, its tick develops nothing.
    let tickerAnswer: TickResult | undefined;
    const ticker = t.services.queue.tick({ budgetMs: 60_000, develop: true }).then((r) => (tickerAnswer = r));
    await until('the ticker to answer', () => tickerAnswer !== undefined || state.peak > limit);
    expect(state.peak).toBe(limit);
    expect(tickerAnswer).toMatchObject({ busy: true, claimed: 0 });

    release();
    const done = await Promise.all(ticks);
    await ticker;
    expect(done.reduce((n, r) => n + Number(r.succeeded), 0)).toBe(jobs);
    expect(state).toMatchObject({ started: jobs, peak: limit, running: 0 });
    // The budget is free again.
    expect(await (await tick(t, SECRET)).json()).toMatchObject({ busy: false });
  });
});
