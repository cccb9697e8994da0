import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHashPool, digestBlob, type HashReply, type HashRequest, type HashWorker } from './hash';

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('digestBlob', () => {
  it.each([0, 1, 1000, 4096, 10_000])('streams %i bytes in 1 KB slices to the same digest as node:crypto', async (bytes) => {
    const data = randomBytes(bytes);
    const progress: number[] = [];
    expect(await digestBlob(new Blob([data]), (done) => progress.push(done), 1024)).toBe(sha(data));
    expect(progress).toEqual(Array.from({ length: Math.ceil(bytes / 1024) }, (_, i) => Math.min((i + 1) * 1024, bytes)));
  });
});

/** A worker the test answers by hand. */
class FakeWorker implements HashWorker {
  static all: FakeWorker[] = [];
  received: HashRequest[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<HashReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(message: HashRequest) {
    this.received.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: HashReply) {
    this.onmessage?.({ data } as MessageEvent<HashReply>);
  }
  get current() {
    return this.received.at(-1);
  }
}

function setup() {
  FakeWorker.all = [];
  const pool = createHashPool({ size: 2, createWorker: () => new FakeWorker() });
  const files = Array.from({ length: 4 }, (_, i) => new Blob([`file ${i}`]));
  return { pool, files };
}
const workerOf = (file: Blob) => FakeWorker.all.find((w) => w.current?.file === file && !w.terminated);

describe('createHashPool', () => {
  it('hashes two files at a time, in order, reusing its two workers', async () => {
    const { pool, files } = setup();
    const jobs = files.map((f) => pool.hash(f));
    expect(FakeWorker.all).toHaveLength(2);
    expect(FakeWorker.all.map((w) => w.current?.file)).toEqual([files[0], files[1]]);
    const first = workerOf(files[0] as Blob) as FakeWorker;
    first.reply({ id: first.current?.id ?? 0, digest: 'a'.repeat(64) });
    expect(await jobs[0]?.digest).toBe('a'.repeat(64));
    expect(first.current?.file).toBe(files[2]);
    expect(FakeWorker.all).toHaveLength(2);
    expect(pool.pending).toBe(3);
  });

  it('reports progress against the file size; a reply for another id is ignored', async () => {
    const { pool, files } = setup();
    const seen: [number, number][] = [];
    const job = pool.hash(files[0] as Blob, (done, total) => seen.push([done, total]));
    const worker = FakeWorker.all[0] as FakeWorker;
    worker.reply({ id: 999, digest: 'f'.repeat(64) });
    worker.reply({ id: worker.current?.id ?? 0, progress: 3 });
    worker.reply({ id: worker.current?.id ?? 0, digest: 'b'.repeat(64) });
    expect(await job.digest).toBe('b'.repeat(64));
    expect(seen).toEqual([[3, (files[0] as Blob).size]]);
  });

  it('a cancelled queued file is never sent; a cancelled running one ends its worker and the next file starts on a new one', async () => {
    const { pool, files } = setup();
    const jobs = files.map((f) => pool.hash(f));
    jobs[3]?.cancel();
    await expect(jobs[3]?.digest).rejects.toMatchObject({ name: 'AbortError' });
    const running = workerOf(files[0] as Blob) as FakeWorker;
    jobs[0]?.cancel();
    await expect(jobs[0]?.digest).rejects.toMatchObject({ name: 'AbortError' });
    expect(running.terminated).toBe(true);
    expect(FakeWorker.all).toHaveLength(3);
    expect(workerOf(files[2] as Blob)).toBe(FakeWorker.all[2]);
    expect(FakeWorker.all.some((w) => w.received.some((r) => r.file === files[3]))).toBe(false);
  });

  it('a worker error rejects only its file', async () => {
    const { pool, files } = setup();
    const [a, b] = [pool.hash(files[0] as Blob), pool.hash(files[1] as Blob)];
    const worker = workerOf(files[0] as Blob) as FakeWorker;
    worker.reply({ id: worker.current?.id ?? 0, error: 'NotReadableError: the file changed' });
    await expect(a.digest).rejects.toThrow('the file changed');
    const other = workerOf(files[1] as Blob) as FakeWorker;
    other.reply({ id: other.current?.id ?? 0, digest: 'c'.repeat(64) });
    expect(await b.digest).toBe('c'.repeat(64));
  });

  it('close cancels everything and ends the workers; later files are refused', async () => {
    const { pool, files } = setup();
    const jobs = files.map((f) => pool.hash(f));
    pool.close();
    for (const job of jobs) await expect(job.digest).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeWorker.all.every((w) => w.terminated)).toBe(true);
    await expect(pool.hash(files[0] as Blob).digest).rejects.toMatchObject({ name: 'AbortError' });
    expect(pool.pending).toBe(0);
  });
});
