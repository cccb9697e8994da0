import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { makeJpeg } from '../testing/photos';
import { createTestServices, type TestServices } from '../testing/services';
import { type ImageStatusEvent, ingestUploads, StatusFeed } from '.';

// On PostgreSQL NOTIFY travels through the server, as it does between replicas.
describe('the develop-status feed on PostgreSQL', () => {
  let s: TestServices;
  let seed = 900;
  beforeAll(async () => {
    s = await createTestServices('postgres', { PREPROCESS_TICKER_ENABLED: 'false' });
  });
  afterAll(() => s.close());

  async function upload() {
    const file = path.join(s.dataDir, `feed-${seed}.jpg`);
    fs.writeFileSync(file, await makeJpeg({ width: 400, height: 300, seed: seed++ }));
    const [image] = await ingestUploads(s.images, [{ path: file, name: 'photo.jpg', bytes: fs.statSync(file).size, sha256: `feed-${seed}`, truncatedAtCap: false }]);
    if (!image) throw new Error('no image');
    return image.id;
  }

  it('NOTIFY alone carries pending → ready (with a thumbnail) to a watcher', async () => {
    const id = await upload();
    const feed = new StatusFeed({ db: s.db, listen: s.database.listen, log: s.log, pollMs: 3_600_000 });
    const seen: ImageStatusEvent[] = [];
    const stop = await feed.watch([id], (e) => seen.push(e), () => {});
    expect(seen).toEqual([{ id, status: 'pending' }]);
    expect(await s.queue.tick({ budgetMs: 30_000, develop: true })).toMatchObject({ failed: 0 });
    await expect.poll(() => seen.at(-1)?.status).toBe('ready');
    expect(seen.at(-1)?.thumbnail).toMatch(new RegExp(`^/api/v1/files/variants/${id}/.+\\.webp$`));
    stop();
    expect(feed.watching).toBe(0);
    await feed.close();
  });

  it('a missed notification is caught by the batched poll; unchanged statuses are not sent again', async () => {
    const [a, b] = [await upload(), await upload()];
    const deaf = new StatusFeed({ db: s.db, listen: async () => async () => {}, log: s.log, pollMs: 50 });
    const seen: ImageStatusEvent[] = [];
    const closed: string[] = [];
    const stop = await deaf.watch([a, b], (e) => seen.push(e), () => closed.push('closed'));
    await s.db.update(schema.images).set({ status: 'failed', lastError: 'broken' }).where(eq(schema.images.id, a));
    await expect.poll(() => seen.length).toBe(3);
    expect(seen.at(-1)).toEqual({ id: a, status: 'failed', error: 'broken' });
    await new Promise((resolve) => setTimeout(resolve, 200)); // several more polls, nothing new
    expect(seen).toHaveLength(3);
    await deaf.close();
    expect(closed).toEqual(['closed']);
    stop();
  });
});
