import { ERRORS } from '@tus/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db';
import { createLogger } from '../log';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { uploadsProbe } from '../testing/uploads';
import { LeaseLocker, RELEASE_CHANNEL } from './locker';

/*
 * The upload lock as two replicas see it: two connections pools on one PostgreSQL database,
 * each with its own LeaseLocker and NOTIFY listener.
 */

const log = createLogger({ level: 'silent' });
let database: TestDatabase;
let other: DatabaseHandle;
let one: LeaseLocker;
let two: LeaseLocker;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  other = await openDatabase({ url: database.url, poolMax: 3 });
  one = new LeaseLocker({ db: database.handle.db, log, acquireTimeoutMs: 5_000 });
  two = new LeaseLocker({ db: other.db, log, acquireTimeoutMs: 5_000 });
  stops.push(await database.handle.listen(RELEASE_CHANNEL, one.onReleaseRequest), await other.listen(RELEASE_CHANNEL, two.onReleaseRequest));
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await other?.close();
  await database?.drop();
});

const signal = () => new AbortController().signal;

describe('LeaseLocker across replicas', () => {
  it('a holder on one replica is asked (NOTIFY) to let go when the other wants the upload, and the other gets it', async () => {
    const first = one.newLock('upload-a');
    let asked = 0;
    await first.lock(signal(), async () => {
      asked++;
      await first.unlock();
    });
    const second = two.newLock('upload-a');
    await second.lock(signal(), () => {});
    expect(asked).toBe(1);
    await second.unlock();
    expect(await uploadsProbe(database.handle.db).count('tus_upload_locks')).toBe(0);
  });

  it('a holder that does not let go keeps the upload: the other request times out', async () => {
    const stubborn = new LeaseLocker({ db: other.db, log, acquireTimeoutMs: 600 });
    const first = one.newLock('upload-b');
    await first.lock(signal(), () => {});
    await expect(stubborn.newLock('upload-b').lock(signal(), () => {})).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await first.unlock();
    const again = stubborn.newLock('upload-b');
    await again.lock(signal(), () => {});
    await again.unlock();
  });

  it('the lease of a dead replica (not renewed) is taken over', async () => {
    await uploadsProbe(database.handle.db).staleLock('upload-c');
    const lock = two.newLock('upload-c');
    await lock.lock(signal(), () => {});
    await lock.unlock();
    expect(await uploadsProbe(database.handle.db).count('tus_upload_locks')).toBe(0);
  });
});
