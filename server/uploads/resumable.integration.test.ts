import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { call, OWNER, type Replica } from '../testing/deployment';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../testing/next-build';
import { paddedJpeg } from '../testing/photos';
import { startServerProcess } from '../testing/processes';
import { freePort, type PrivateRedis, startPrivateRedis } from '../testing/redis';

/*
 * Issue 10's acceptance test: a 300 MB photo sent with tus to two production servers on one
 * PostgreSQL (local storage on a volume both share). The test cuts the connection twice in the
 * middle of a chunk and SIGKILLs a replica between chunks; every time the client asks the
 * other replica where to resume (HEAD) and goes on there. The stored original is the source
 * byte for byte; exactly one image row and one job. The file is streamed from disk both ways.
 */

const { images, preprocessJobs } = schema;
const MiB = 1024 * 1024;
const SIZE = 300 * MiB;
const CHUNK = 32 * MiB;
const TUS = { 'tus-resumable': '1.0.0' };

/** Streams paddedJpeg(size) to `file`; returns its SHA-256. */
async function writeBigJpeg(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for await (const piece of paddedJpeg(size, 1)) {
    hash.update(piece);
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

async function sha256File(file: string) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('a 300 MB resumable upload across two replicas, interrupted three times', () => {
  let database: TestDatabase | undefined;
  let redis: PrivateRedis | undefined;
  let work = '';
  let source = '';
  let sourceSha = '';
  const replicas: Replica[] = [];

  beforeAll(async () => {
    await ensureNextBuild();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'darkroom-tus-'));
    source = path.join(work, 'big.jpg');
    [database, redis, sourceSha] = await Promise.all([createTestDatabase('postgres'), startPrivateRedis(), writeBigJpeg(path.join(work, 'big.jpg'), SIZE)]);
    if (!database.url) throw new Error('the test database has no URL');
    const shared = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      BETTER_AUTH_SECRET: 'resumable-upload-secret-resumable-upload',
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_DIR: path.join(work, 'storage'),
      STORAGE_SHARED: 'true',
      UPLOAD_MAX_BYTES: String(400 * MiB),
      UPLOAD_CHUNK_BYTES: String(CHUNK),
      // Nothing develops: the test is about the upload (and a 300 MB develop would need the memory).
      PREPROCESS_CONCURRENCY: '0',
      PREPROCESS_TICKER_ENABLED: 'false',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    const ports = [await freePort(), await freePort()];
    for (const [i, port] of ports.entries()) {
      const server = await startServerProcess({ ...shared, BETTER_AUTH_URL: `http://127.0.0.1:${port}` }, { port, startTimeoutMs: 180_000 });
      replicas.push({ name: i === 0 ? 'A' : 'B', server, cookie: '', dead: false });
    }
  }, NEXT_BUILD_TIMEOUT_MS + 300_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.server.stop()));
    await redis?.kill();
    await database?.drop();
    if (work) await fs.rm(work, { recursive: true, force: true });
  }, 90_000);

  it('resumes on the other replica after two cut connections and a SIGKILL; the original is the source byte for byte', async () => {
    const [A, B] = replicas;
    if (!A || !B || !database) throw new Error('setup failed');
    expect((await call(A, '/api/v1/setup', { method: 'POST', json: OWNER, cookie: false })).status).toBe(201);
    for (const replica of replicas) {
      const res = await call(replica, '/api/auth/sign-in/email', { method: 'POST', json: { email: OWNER.email, password: OWNER.password }, cookie: false });
      replica.cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    }
    const created = await call(A, '/api/v1/admin/uploads', { method: 'POST', headers: { ...TUS, 'upload-length': String(SIZE), 'upload-metadata': `filename ${Buffer.from('big.jpg').toString('base64')}` } });
    expect(created.status, await created.clone().text()).toBe(201);
    const location = created.headers.get('location') ?? '';
    const offsetOn = async (replica: Replica) => {
      const res = await call(replica, location, { method: 'HEAD', headers: TUS });
      expect(res.status).toBe(200);
      return Number(res.headers.get('upload-offset'));
    };

    /** One PATCH of the chunk at `offset`, streamed from the file; `cutAfter` bytes, then the connection is cut. */
    const patch = async (replica: Replica, offset: number, cutAfter?: number) => {
      const end = Math.min(offset + CHUNK, SIZE);
      const abort = new AbortController();
      let sent = 0;
      const body = Readable.toWeb(createReadStream(source, { start: offset, end: end - 1, highWaterMark: MiB })) as ReadableStream<Uint8Array>;
      const counted = body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(piece, controller) {
            if (cutAfter !== undefined && sent >= cutAfter) {
              abort.abort(new Error('connection cut by the test'));
              return;
            }
            sent += piece.byteLength;
            controller.enqueue(piece);
          },
        }),
      );
      return call(replica, location, {
        method: 'PATCH',
        headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(end - offset) },
        body: counted,
        duplex: 'half',
        signal: abort.signal,
      } as RequestInit).catch((error: unknown) => error as Error);
    };
    const interruptions: string[] = [];
    let offset = 0;
    let replica = A;
    let last: Response | undefined;
    let chunks = 0;
    while (offset < SIZE) {
      chunks++;
      const other = replica === A ? B : A;
      if (chunks === 2 || chunks === 4) {
        // Cut mid-chunk, then resume on the other replica from what it says.
        const cut = await patch(replica, offset, CHUNK / 2);
        expect(cut).toBeInstanceOf(Error);
        replica = other;
        const resumed = await offsetOn(replica);
        expect(resumed).toBeGreaterThanOrEqual(offset);
        interruptions.push(`cut on ${other === A ? 'B' : 'A'} at ${offset}, resumed on ${replica.name} at ${resumed}`);
        offset = resumed;
        continue;
      }
      if (chunks === 6 && replica === A) {
        await A.server.kill();
        A.dead = true;
        replica = B;
        offset = await offsetOn(B);
        interruptions.push(`A SIGKILLed between chunks, resumed on B at ${offset}`);
        continue;
      }
      const res = await patch(replica, offset);
      if (res instanceof Error) throw res;
      expect(res.status, await res.clone().text()).toBe(204);
      offset = Number(res.headers.get('upload-offset'));
      last = res;
    }
    expect(interruptions, interruptions.join('\n')).toHaveLength(3);
    expect(A.dead).toBe(true);
    expect(last?.headers.get('darkroom-upload-outcome')).toBe('accepted');
    const imageId = last?.headers.get('darkroom-image-id') ?? '';

    const { db } = database.handle;
    const rows = await db.select().from(images);
    expect(rows.map((r) => r.id)).toEqual([imageId]);
    expect(rows[0]?.sha256).toBe(sourceSha);
    expect(rows[0]?.bytes).toBe(SIZE);
    expect(await db.select().from(preprocessJobs).where(eq(preprocessJobs.subjectId, imageId))).toHaveLength(1);
    expect(await sha256File(path.join(work, 'storage', rows[0]?.originalKey ?? ''))).toBe(sourceSha);
    // The partial file and the upload's info are gone.
    expect(await fs.readdir(path.join(work, 'storage', '.partial-uploads'))).toEqual([]);
    expect(await db.select().from(schema.tusUploads)).toEqual([]);
  }, 600_000);
});
