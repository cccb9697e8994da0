import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, makeJpeg } from '../../server/testing/photos';
import { until } from '../../server/testing/processes';
import { createTestClient, type TestClient } from '../testing/client';

type Job = { id: string; subjectId: string; status: string; attempts: number; lastError: string | null; failureKind: string | null };

describe('GET /admin/jobs says why a job stopped', () => {
  let t: TestClient;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_RETRY_BASE_SECONDS: '0.05' });
    ({ cookie } = await t.owner());
  }, 60_000);
  afterAll(() => t.close());

  it('a photo whose result the database refuses twice in a row is failed as "repeated", with the cause on the job and the image', async () => {
    await t.services.db.execute(`create function refuse_ready() returns trigger language plpgsql as $$
      begin if new.status = 'ready' then raise exception 'value too long for this column'; end if; return new; end $$`);
    await t.services.db.execute(`create trigger refuse_ready before update on images for each row execute function refuse_ready()`);
    const res = await t.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'a.jpg', data: await makeJpeg({ width: 400, height: 300, seed: 31 }) }]) });
    const [image] = ((await res.json()) as { items: { id: string }[] }).items;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const job = await until(`attempt ${attempt}`, async () => (await t.services.queue.claim(1))[0], { timeoutMs: 5_000 });
      await t.services.queue.run(job);
    }

    const page = (await (await t.api('/admin/jobs?status=failed', { cookie })).json()) as { items: Job[]; counts: Record<string, number>; countsApproximate: boolean };
    expect(page.items).toEqual([expect.objectContaining({ subjectId: image?.id, status: 'failed', attempts: 2, failureKind: 'repeated', lastError: 'value too long for this column' })]);
    // Every status counted, exactly while small.
    expect(page.counts).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 1, cancelled: 0 });
    expect(page.countsApproximate).toBe(false);
    const developed = (await (await t.api(`/admin/images/${image?.id}`, { cookie })).json()) as { status: string; lastError: string };
    expect(developed).toMatchObject({ status: 'failed', lastError: 'value too long for this column' });

    // Retried by an admin, the job starts over with no failure kind.
    const retried = (await (await t.api(`/admin/jobs/${page.items[0]?.id}/retry`, { method: 'POST', cookie })).json()) as Job;
    expect(retried).toMatchObject({ status: 'queued', failureKind: null, lastError: null });
  });

  it('documents failureKind in the OpenAPI document', async () => {
    const doc = (await (await t.api('/openapi.json')).json()) as { components: { schemas: { Job: { properties: Record<string, { enum?: string[] }> } } } };
    expect(doc.components.schemas.Job.properties.failureKind?.enum).toEqual(expect.arrayContaining(['permanent', 'repeated', 'exhausted']));
  });
});
