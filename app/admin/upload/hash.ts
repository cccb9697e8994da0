/**
 * SHA-256 of the files to upload, computed in Web Workers before anything is sent, so the
 * page can ask POST /api/v1/admin/images/check which ones the library already holds.
 *
 *   const pool = createHashPool();             // 2 workers, created on first use
 *   const job = pool.hash(file, (done, total) => …);
 *   job.digest      // Promise<string>: 64 lowercase hex characters
 *   job.cancel()    // a queued file never starts; a running one stops at once
 *   pool.close()    // cancels everything and ends the workers
 *
 * Files are read in 4 MB slices and fed to hash-wasm's incremental SHA-256, so a 300 MB
 * file never sits in memory whole (WebCrypto's digest() would need it all at once).
 * A cancelled or failed digest rejects (a cancel with an AbortError DOMException).
 */
import type { HashProgress, HashReply, HashRequest } from './hash-digest';

// The worker's side lives in hash-digest.ts: the worker must not import this file, or the
// bundler follows `new Worker(new URL('./hash.worker.ts'))` from inside the worker forever.
export { digestBlob, HASH_SLICE_BYTES, type HashProgress, type HashReply, type HashRequest } from './hash-digest';
export const HASH_WORKERS = 2;

/** The part of a Worker the pool uses, so tests can pass a fake. */
export interface HashWorker {
  postMessage(message: HashRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<HashReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface HashJob {
  digest: Promise<string>;
  cancel(): void;
}

const abortError = () => new DOMException('Hashing cancelled', 'AbortError');

function defaultWorker(): HashWorker {
  return new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module', name: 'darkroom-hash' }) as unknown as HashWorker;
}

interface Task {
  id: number;
  file: Blob;
  onProgress?: HashProgress;
  resolve(digest: string): void;
  reject(error: unknown): void;
}

/** At most `size` files hash at once; the rest wait in order. */
export function createHashPool(options: { size?: number; createWorker?: () => HashWorker } = {}) {
  const size = options.size ?? HASH_WORKERS;
  const createWorker = options.createWorker ?? defaultWorker;
  const queue: Task[] = [];
  const idle: HashWorker[] = [];
  const busy = new Map<HashWorker, Task>();
  let workers = 0;
  let nextId = 1;
  let closed = false;

  function settle(worker: HashWorker, task: Task, outcome: { digest: string } | { error: unknown }) {
    busy.delete(worker);
    idle.push(worker);
    if ('digest' in outcome) task.resolve(outcome.digest);
    else task.reject(outcome.error);
    pump();
  }

  function spawn(): HashWorker {
    const worker = createWorker();
    workers += 1;
    worker.onmessage = ({ data }) => {
      const task = busy.get(worker);
      if (!task || data.id !== task.id) return;
      if ('progress' in data) task.onProgress?.(data.progress, task.file.size);
      else if ('digest' in data) settle(worker, task, { digest: data.digest });
      else settle(worker, task, { error: new Error(data.error) });
    };
    worker.onerror = (event) => {
      const task = busy.get(worker);
      if (task) settle(worker, task, { error: new Error(event.message || 'the hash worker failed') });
    };
    return worker;
  }

  function pump() {
    while (queue.length && !closed) {
      const worker = idle.pop() ?? (workers < size ? spawn() : undefined);
      if (!worker) return;
      const task = queue.shift() as Task;
      busy.set(worker, task);
      worker.postMessage({ id: task.id, file: task.file });
    }
  }

  function cancel(task: Task) {
    const queued = queue.indexOf(task);
    if (queued >= 0) {
      queue.splice(queued, 1);
      task.reject(abortError());
      return;
    }
    for (const [worker, running] of busy) {
      if (running !== task) continue;
      // A worker cannot be interrupted mid-slice: end it, a fresh one takes the next file.
      busy.delete(worker);
      worker.terminate();
      workers -= 1;
      task.reject(abortError());
      pump();
    }
  }

  return {
    hash(file: Blob, onProgress?: HashProgress): HashJob {
      let task: Task | undefined;
      const digest = new Promise<string>((resolve, reject) => {
        task = { id: nextId++, file, onProgress, resolve, reject };
      });
      const current = task as Task;
      if (closed) current.reject(abortError());
      else {
        queue.push(current);
        pump();
      }
      return { digest, cancel: () => cancel(current) };
    },
    /** Files waiting plus files hashing. */
    get pending() {
      return queue.length + busy.size;
    },
    close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(abortError());
      for (const [worker, task] of busy) {
        worker.terminate();
        task.reject(abortError());
      }
      for (const worker of idle.splice(0)) worker.terminate();
      busy.clear();
      workers = 0;
    },
  };
}
export type HashPool = ReturnType<typeof createHashPool>;
