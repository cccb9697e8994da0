import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver } from '../testing/s3';
import { createLocalStorage, StorageKeyError, type Storage } from '.';
import { createS3Storage } from './s3';

interface Harness {
  storage: Storage;
  /** The same driver pointed at something that fails on any I/O. */
  unreachable: Storage;
  /** Every stored key (or stray file) starting with `prefix`, sorted, read behind the driver's back. */
  list(prefix: string): Promise<string[]>;
  teardown(): Promise<void>;
}

interface Driver {
  name: Storage['driver'];
  setup(): Promise<Harness>;
}

let scratch: string;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'darkroom-storage-test-'));
});
afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

const drivers: Driver[] = [
  {
    name: 'local',
    async setup() {
      const root = await fs.mkdtemp(path.join(os.tmpdir(), 'darkroom-local-storage-'));
      // A root below a regular file: every fs call under it fails with ENOTDIR.
      const file = path.join(root, '..', `${path.basename(root)}.file`);
      await fs.writeFile(file, '');
      return {
        storage: createLocalStorage(root),
        unreachable: createLocalStorage(path.join(file, 'root')),
        list: async (prefix) => (await filesUnder(root)).map((f) => f.split(path.sep).join('/')).filter((k) => k.startsWith(prefix)).sort(),
        async teardown() {
          await fs.rm(root, { recursive: true, force: true });
          await fs.rm(file, { force: true });
        },
      };
    },
  },
  {
    name: 's3',
    async setup() {
      const server = await startS3rver();
      const { endpoint, region, forcePathStyle } = server.config;
      const client = new S3Client({ endpoint, region, forcePathStyle, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      return {
        storage: createS3Storage(server.config),
        // Port 1 on loopback: connection refused for any request.
        unreachable: createS3Storage({ ...server.config, endpoint: 'http://127.0.0.1:1' }),
        async list(prefix) {
          const keys: string[] = [];
          let token: string | undefined;
          do {
            const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix, ContinuationToken: token }));
            for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
          } while (token);
          return keys.sort();
        },
        async teardown() {
          client.destroy();
          await server.stop();
        },
      };
    },
  },
];

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** A fresh id, so tests sharing one backend never see each other's keys. */
const uid = () => randomUUID();

async function readAll(storage: Storage, key: string) {
  const object = await storage.get(key);
  if (!object) return undefined;
  return { ...object, data: await buffer(object.body) };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Every regular file under a directory, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.each(drivers)('$name storage', (driver) => {
  let harness: Harness;
  const storage = () => harness.storage;

  beforeAll(async () => {
    harness = await driver.setup();
  });
  afterAll(() => harness.teardown());

  it('reports its driver', () => {
    expect(storage().driver).toBe(driver.name);
  });

  it('pings', async () => {
    await expect(storage().ping()).resolves.toBeUndefined();
  });

  it('round-trips put and get with the byte count and content', async () => {
    const key = `originals/${uid()}/original.jpg`;
    const body = randomBytes(64 * 1024);
    await storage().put(key, body, 'image/jpeg');

    const object = await readAll(storage(), key);
    expect(object?.body).toBeInstanceOf(Readable);
    expect(object?.bytes).toBe(body.length);
    expect(object?.data.equals(body)).toBe(true);
    // Only S3 keeps the content type; local files are served by extension.
    expect(object?.contentType).toBe(driver.name === 's3' ? 'image/jpeg' : undefined);
  });

  it('stores an empty object', async () => {
    const key = `originals/${uid()}/empty.bin`;
    await storage().put(key, Buffer.alloc(0), 'application/octet-stream');
    const object = await readAll(storage(), key);
    expect(object?.bytes).toBe(0);
    expect(object?.data).toHaveLength(0);
  });

  it('replaces an object on a second put', async () => {
    const key = `originals/${uid()}/original.png`;
    await storage().put(key, Buffer.from('first version, longer'), 'image/png');
    await storage().put(key, Buffer.from('second'), 'image/png');
    expect((await storage().read(key)).toString()).toBe('second');
  });

  it('streams a 5 MB file in with putFile', async () => {
    const source = path.join(scratch, `${uid()}.bin`);
    const body = randomBytes(5 * 1024 * 1024 + 123);
    await fs.writeFile(source, body);
    const key = `originals/${uid()}/original.tiff`;

    await storage().putFile(key, source, 'image/tiff');

    const object = await readAll(storage(), key);
    expect(object?.bytes).toBe(body.length);
    expect(object && sha256(object.data)).toBe(sha256(body));
    expect(object?.contentType).toBe(driver.name === 's3' ? 'image/tiff' : undefined);
    // The source is only read, never moved.
    expect((await fs.stat(source)).size).toBe(body.length);
  });

  it('rejects putFile of a missing source and stores nothing', async () => {
    const key = `originals/${uid()}/original.jpg`;
    await expect(storage().putFile(key, path.join(scratch, 'does-not-exist.jpg'), 'image/jpeg')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await storage().get(key)).toBeUndefined();
  });

  it('returns undefined for a missing key', async () => {
    expect(await storage().get(`originals/${uid()}/original.jpg`)).toBeUndefined();
  });

  it('reads a whole object into memory', async () => {
    const key = `originals/${uid()}/original.webp`;
    const body = randomBytes(300 * 1024);
    await storage().put(key, body, 'image/webp');
    const data = await storage().read(key);
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(data.equals(body)).toBe(true);
  });

  it('rejects read of a missing key', async () => {
    await expect(storage().read(`originals/${uid()}/original.jpg`)).rejects.toThrow();
  });

  it('deletes, and deleting again (or a key that never existed) is no error', async () => {
    const key = `variants/${uid()}/t/64.webp`;
    await storage().put(key, Buffer.from('x'), 'image/webp');
    await storage().delete(key);
    expect(await storage().get(key)).toBeUndefined();
    await expect(storage().delete(key)).resolves.toBeUndefined();
    await expect(storage().delete(`variants/${uid()}/t/64.webp`)).resolves.toBeUndefined();
  });

  it('deletePrefix removes exactly the keys under the prefix', async () => {
    const a = uid();
    const under = [`variants/${a}/t1/64.webp`, `variants/${a}/t1/1024.webp`, `variants/${a}/t2/64.avif`, `variants/${a}/loose.webp`];
    // `${a}b` starts with `${a}`: a prefix without its slash would take these too.
    const siblings = [`variants/${a}b/t1/64.webp`, `variants/${a}b.webp`, `originals/${a}/original.jpg`];
    await Promise.all([...under, ...siblings].map((key) => storage().put(key, Buffer.from(key), 'image/webp')));

    await storage().deletePrefix(`variants/${a}/`);

    for (const key of under) expect(await storage().get(key), key).toBeUndefined();
    for (const key of siblings) expect((await storage().read(key)).toString(), key).toBe(key);
    expect([...(await harness.list(`variants/${a}`)), ...(await harness.list(`originals/${a}`))]).toEqual(
      siblings.filter((k) => k.startsWith('variants/')).sort().concat(`originals/${a}/original.jpg`),
    );
  });

  it('lists exactly the objects under a prefix, with their size and a recent modification time', async () => {
    const a = uid();
    const under = { [`variants/${a}/t1/320.webp`]: 'x'.repeat(10), [`variants/${a}/t2/640.avif`]: 'y'.repeat(300), [`variants/${a}/loose.webp`]: '' };
    const siblings = [`variants/${a}b/t1/320.webp`, `originals/${a}/original.jpg`];
    const before = Date.now() - 60_000;
    await Promise.all([...Object.entries(under), ...siblings.map((k) => [k, 'sibling'])].map(([key, body]) => storage().put(String(key), Buffer.from(String(body)), 'image/webp')));

    const listed = await collect(storage().list(`variants/${a}/`));

    expect(listed.map((e) => e.key).sort()).toEqual(Object.keys(under).sort());
    for (const entry of listed) {
      expect(entry.bytes, entry.key).toBe(under[entry.key]?.length);
      expect(entry.lastModified).toBeInstanceOf(Date);
      expect(entry.lastModified.getTime()).toBeGreaterThan(before);
      expect(entry.lastModified.getTime()).toBeLessThan(Date.now() + 60_000);
    }
    expect(await collect(storage().list(`variants/${uid()}/`))).toEqual([]);
  });

  it('deletePrefix of an empty prefix is no error', async () => {
    await expect(storage().deletePrefix(`variants/${uid()}/`)).resolves.toBeUndefined();
  });

  it('deletePrefix removes more keys than one page or batch (1000)', async () => {
    const a = uid();
    const keys = Array.from({ length: 1050 }, (_, i) => `variants/${a}/t/${i}.webp`);
    const sibling = `variants/${a}z/t/0.webp`;
    expect(keys.length).toBeGreaterThan(1000);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => storage().put(key, Buffer.from('v'), 'image/webp')));
    }
    await storage().put(sibling, Buffer.from('keep'), 'image/webp');
    // The listing pages through them too.
    expect((await collect(storage().list(`variants/${a}/`))).map((e) => e.key).sort()).toEqual([...keys].sort());

    await storage().deletePrefix(`variants/${a}/`);

    expect(await harness.list(`variants/${a}`)).toEqual([sibling]);
    expect((await storage().read(sibling)).toString()).toBe('keep');
  });

  describe('rejects bad keys with StorageKeyError before any I/O', () => {
    const badKeys = ['', '../etc/passwd', 'originals/../../etc/passwd', 'originals/x/..', '/originals/x/original.jpg', 'originals/a b.jpg', 'Originals/x/original.jpg', 'originals/x/ORIGINAL.JPG'];
    const badPrefixes = ['', '/', 'variants/x', '../', '/variants/x/', 'variants/a b/', 'Variants/x/', 'variants/../'];

    /** Calls `fn` so that a synchronous throw also ends up as a rejection. */
    const attempt = (fn: () => Promise<unknown>) => Promise.resolve().then(fn);

    it.each(badKeys)('key %j', async (key) => {
      const source = path.join(scratch, `${uid()}.bin`);
      await fs.writeFile(source, 'data');
      // Against the working backend, and against one where any I/O would fail differently.
      for (const target of [harness.storage, harness.unreachable]) {
        await expect(attempt(() => target.put(key, Buffer.from('x'), 'image/jpeg'))).rejects.toThrow(StorageKeyError);
        await expect(attempt(() => target.putFile(key, source, 'image/jpeg'))).rejects.toThrow(StorageKeyError);
        await expect(attempt(() => target.get(key))).rejects.toThrow(StorageKeyError);
        await expect(attempt(() => target.read(key))).rejects.toThrow(StorageKeyError);
        await expect(attempt(() => target.delete(key))).rejects.toThrow(StorageKeyError);
      }
      // Validation precedes the source file too: a missing source still reports the key.
      await expect(attempt(() => harness.storage.putFile(key, path.join(scratch, 'missing'), 'image/jpeg'))).rejects.toThrow(
        StorageKeyError,
      );
    });

    it('as a rejected promise, never a synchronous throw', async () => {
      const key = '../escape';
      const calls: [string, () => Promise<unknown>][] = [
        ['put', () => storage().put(key, Buffer.from('x'), 'image/jpeg')],
        ['putFile', () => storage().putFile(key, path.join(scratch, 'missing'), 'image/jpeg')],
        ['get', () => storage().get(key)],
        ['read', () => storage().read(key)],
        ['delete', () => storage().delete(key)],
        ['deletePrefix', () => storage().deletePrefix('../')],
      ];
      const throwsSynchronously: string[] = [];
      for (const [name, call] of calls) {
        try {
          await call().catch(() => undefined);
        } catch {
          throwsSynchronously.push(name);
        }
      }
      expect(throwsSynchronously).toEqual([]);
    });

    it.each(badPrefixes)('prefix %j', async (prefix) => {
      for (const target of [harness.storage, harness.unreachable]) {
        await expect(attempt(() => target.deletePrefix(prefix))).rejects.toThrow(StorageKeyError);
        await expect(collect(target.list(prefix))).rejects.toThrow(StorageKeyError);
      }
    });

    it('and the unreachable backend really fails on I/O', async () => {
      await expect(harness.unreachable.ping()).rejects.toThrow();
      await expect(harness.unreachable.put('originals/x/original.jpg', Buffer.from('x'), 'image/jpeg')).rejects.not.toThrow(StorageKeyError);
    });
  });
});
