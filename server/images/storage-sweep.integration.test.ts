import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { makeJpeg } from '../testing/photos';
import { captureLogs, until } from '../testing/processes';
import { listBucket, s3Env, startS3rver } from '../testing/s3';
import { createTestServices, type TestServices } from '../testing/services';
import { ingestUploads, storageSweepOptions, sweepStorage } from '.';

const { imageVariants, images, settings } = schema;
const DAY = 24 * 60 * 60_000;

/** Every regular file under `dir`, relative to it, with '/' separators. */
const filesUnder = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .sort()
    : [];

// The cluster duty that finds files no row references: dry-run first, never young files, never referenced ones.
describe('the storage sweep on PostgreSQL', () => {
  let s: TestServices | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function setUp(env: Record<string, string>) {
    const logs = captureLogs('info');
    s = await createTestServices('postgres', { PREPROCESS_TICKER_ENABLED: 'false', ...env }, { log: logs.log });
    const svc = s;
    const root = svc.config.storage.localDir;
    const tmp = path.join(svc.dataDir, 'tmp');
    const write = (dir: string, rel: string, ageMs: number, bytes = 100) => {
      const file = path.join(dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, Buffer.alloc(bytes, 1));
      const at = new Date(Date.now() - ageMs);
      fs.utimesSync(file, at, at);
    };

    // A developed photo: its original and variants are referenced, and old.
    const upload = path.join(svc.dataDir, 'upload.jpg');
    fs.writeFileSync(upload, await makeJpeg({ width: 700, height: 467, seed: 77 }));
    const [image] = await ingestUploads(svc.images, [{ path: upload, name: 'kept.jpg', bytes: fs.statSync(upload).size, sha256: 'sha-kept', truncatedAtCap: false }]);
    const [job] = await svc.queue.claim(1);
    if (!image || !job) throw new Error('no image or job');
    expect(await svc.queue.run(job)).toBe('succeeded');
    const [row] = await svc.db.select({ originalKey: images.originalKey }).from(images).where(eq(images.id, image.id));
    const variants = await svc.db.select({ key: imageVariants.key }).from(imageVariants).where(eq(imageVariants.imageId, image.id));
    const referenced = [row?.originalKey ?? '', ...variants.map((v) => v.key)].sort();
    for (const key of referenced) {
      const at = new Date(Date.now() - 3 * DAY);
      fs.utimesSync(path.join(root, key), at, at);
    }

    const orphan = crypto.randomUUID();
    const files = {
      referenced,
      oldOrphans: [`originals/${orphan}/original.jpg`, `variants/${orphan}/abc12345/320.avif`, `variants/${image.id}/dead0000/640.webp`, `variants/${orphan}/abc12345/320.webp.4242.${crypto.randomUUID()}.tmp`],
      // Younger than a lease plus the margin: an attempt may still be about to reference them.
      youngOrphans: [`variants/${orphan}/fresh000/320.avif`],
      foreign: ['variants/README.TXT'],
    };
    for (const key of files.oldOrphans) write(root, key, 2 * DAY, 250);
    write(root, files.youngOrphans[0] ?? '', 60_000);
    write(root, files.foreign[0] ?? '', 2 * DAY);
    write(tmp, 'stale.upload', 2 * DAY, 1000);
    write(tmp, 'in-progress.upload', 60 * 60_000);
    return { svc, logs, root, tmp, files };
  }

  const sweepLines = (logs: ReturnType<typeof captureLogs>) => logs.lines().filter((l) => String(l.msg).startsWith('storage sweep'));

  it('by default is a dry run: it logs what it would remove (count, bytes, a few keys) and removes nothing', async () => {
    const { svc, logs, root, tmp, files } = await setUp({});
    const before = { storage: filesUnder(root), tmp: filesUnder(tmp) };

    expect((await svc.queue.runClusterDuties()).ran).toBe(true);
    const lines = await until('the dry-run report', () => (sweepLines(logs).length >= 3 ? sweepLines(logs) : undefined));

    const byArea = Object.fromEntries(lines.map((l) => [String(l.area), l]));
    expect(byArea.originals).toMatchObject({ mode: 'dry-run', files: 1, bytes: 250, sample: [files.oldOrphans[0]] });
    expect(byArea.variants).toMatchObject({ mode: 'dry-run', files: 3, bytes: 750 });
    expect([...(byArea.variants?.sample as string[])].sort()).toEqual(files.oldOrphans.slice(1).sort());
    expect(byArea.temp).toMatchObject({ mode: 'dry-run', files: 1, bytes: 1000, sample: ['stale.upload'] });
    expect(String(byArea.variants?.msg)).toMatch(/would remove.*STORAGE_SWEEP_MODE=delete/);
    expect({ storage: filesUnder(root), tmp: filesUnder(tmp) }).toEqual(before);
  });

  it('in delete mode removes only old files no row references, once per interval', async () => {
    const { svc, logs, root, tmp, files } = await setUp({ STORAGE_SWEEP_MODE: 'delete', STORAGE_SWEEP_INTERVAL_SECONDS: '3600' });

    await svc.queue.runClusterDuties();
    await until('the sweep to finish', () => sweepLines(logs).length >= 3);

    expect(filesUnder(root)).toEqual([...files.referenced, ...files.youngOrphans, ...files.foreign].sort());
    expect(filesUnder(tmp)).toEqual(['in-progress.upload']);
    const removed = sweepLines(logs).map((l) => [l.area, l.removed]);
    expect(removed).toEqual(expect.arrayContaining([['originals', 1], ['variants', 3], ['temp', 1]]));

    // Within the interval the duty does not sweep again, on this replica or any other.
    const lastRun = async () => (await svc.db.select({ at: settings.updatedAt }).from(settings).where(eq(settings.key, 'sweep:storage')))[0]?.at.getTime();
    const first = await lastRun();
    const orphan = path.join(root, 'variants', crypto.randomUUID(), 'abc12345', '320.avif');
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'x');
    fs.utimesSync(orphan, new Date(Date.now() - 2 * DAY), new Date(Date.now() - 2 * DAY));
    await svc.queue.runClusterDuties();
    expect(await lastRun()).toBe(first);
    expect(fs.existsSync(orphan)).toBe(true);

    // Once the interval has passed, it does.
    await svc.db.execute(sql`update settings set updated_at = now() - interval '2 hours' where key = 'sweep:storage'`);
    await svc.queue.runClusterDuties();
    await until('the second sweep to remove the new orphan', () => !fs.existsSync(orphan));
    expect(filesUnder(root)).toEqual([...files.referenced, ...files.youngOrphans, ...files.foreign].sort());
  });

  it('off does nothing at all', async () => {
    const { svc, logs, root, tmp } = await setUp({ STORAGE_SWEEP_MODE: 'off' });
    const before = { storage: filesUnder(root), tmp: filesUnder(tmp) };
    await svc.queue.runClusterDuties();
    expect(await svc.db.select().from(settings).where(eq(settings.key, 'sweep:storage'))).toEqual([]);
    expect(sweepLines(logs)).toEqual([]);
    expect({ storage: filesUnder(root), tmp: filesUnder(tmp) }).toEqual(before);
  });

  it('on S3 removes the orphans and keeps what rows reference (the sweep run as if two days had passed)', async () => {
    const s3 = await startS3rver();
    try {
      s = await createTestServices('postgres', { ...s3Env(s3), PREPROCESS_TICKER_ENABLED: 'false', STORAGE_SWEEP_MODE: 'delete' });
      const svc = s;
      const upload = path.join(svc.dataDir, 'upload.jpg');
      fs.writeFileSync(upload, await makeJpeg({ width: 500, height: 333, seed: 78 }));
      await ingestUploads(svc.images, [{ path: upload, name: 'kept.jpg', bytes: fs.statSync(upload).size, sha256: 'sha-kept-s3', truncatedAtCap: false }]);
      const [job] = await svc.queue.claim(1);
      if (!job) throw new Error('no job');
      expect(await svc.queue.run(job)).toBe('succeeded');
      const referenced = await listBucket(s3);
      expect(referenced).toHaveLength(3); // the original, 320 px AVIF and WebP
      const orphans = [`originals/${crypto.randomUUID()}/original.png`, `variants/${crypto.randomUUID()}/abc12345/320.avif`];
      for (const key of orphans) await svc.storage.put(key, Buffer.from('orphan'), 'image/png');

      // S3 sets LastModified itself; "now" two days ahead makes every object old enough.
      const found = await sweepStorage(svc.images, storageSweepOptions(svc.config), Date.now() + 2 * DAY);
      expect(found.originals).toMatchObject({ orphans: 1, removed: 1 });
      expect(found.variants).toMatchObject({ orphans: 1, removed: 1 });
      expect(await listBucket(s3)).toEqual(referenced);
    } finally {
      await s3.stop();
    }
  });
});
