import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerView } from '../../server/availability';
import { APP_VERSION } from '../../server/config';
import { createTestClient, type TestClient } from '../testing/client';

/** The JSON of one worker: the server's WorkerView, dates as ISO strings. */
type WorkerJson = WorkerView;

let t: TestClient;
let cookie: string;
let workerId: string;
beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_CONCURRENCY: '3' });
  ({ cookie } = await t.owner());
  // What startBackground does at boot: this replica joins the fleet.
  await t.services.fleet.register();
  workerId = t.services.workerId;
});
afterAll(() => t.close());

const list = async () => {
  const res = await t.api('/admin/workers', { cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: WorkerJson[] }).items;
};

describe('GET /admin/workers', () => {
  it('lists the registered worker', async () => {
    const items = await list();
    expect(items).toHaveLength(1);
    expect(items[0]).toEqual({
      id: workerId,
      hostname: expect.any(String),
      version: APP_VERSION,
      concurrency: 3,
      isOnline: true,
      isDrained: false,
      running: 0,
      startedAt: expect.any(String),
      lastHeartbeatAt: expect.any(String),
    });
  });

  it('is 401 without a session', async () => {
    const res = await t.api('/admin/workers');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });
});

describe('POST /admin/workers/:id/drain and /undrain', () => {
  it('drains and undrains, reflected in the list and in what the worker asks before claiming', async () => {
    const drained = await t.api(`/admin/workers/${workerId}/drain`, { method: 'POST', cookie });
    expect(drained.status).toBe(200);
    expect(await drained.json()).toMatchObject({ id: workerId, isDrained: true, isOnline: true });
    expect((await list())[0]?.isDrained).toBe(true);
    expect(await t.services.fleet.isDrained()).toBe(true);

    // Idempotent: draining a drained worker is still 200.
    expect((await t.api(`/admin/workers/${workerId}/drain`, { method: 'POST', cookie })).status).toBe(200);

    const undrained = await t.api(`/admin/workers/${workerId}/undrain`, { method: 'POST', cookie });
    expect(undrained.status).toBe(200);
    expect(await undrained.json()).toMatchObject({ id: workerId, isDrained: false });
    expect((await list())[0]?.isDrained).toBe(false);
    expect(await t.services.fleet.isDrained()).toBe(false);
  });

  it.each(['drain', 'undrain'])('%s of an unknown worker is 404 in the error envelope', async (action) => {
    const res = await t.api(`/admin/workers/no-such-worker/${action}`, { method: 'POST', cookie });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error).toEqual({ code: 'NOT_FOUND', message: 'Worker not found', requestId: res.headers.get('x-request-id') });
    expect((await list()).map((w) => w.id)).toEqual([workerId]);
  });

  it('rejects an over-long id as a validation error', async () => {
    const res = await t.api(`/admin/workers/${'x'.repeat(65)}/drain`, { method: 'POST', cookie });
    expect(res.status).toBe(400);
  });
});
