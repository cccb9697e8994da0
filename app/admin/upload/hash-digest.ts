// SHA-256 of a Blob, slice by slice: what each hash worker runs (hash.worker.ts), and the
// message types between the page's pool (hash.ts) and a worker. Imports no worker.
import { createSHA256 } from 'hash-wasm';

export const HASH_SLICE_BYTES = 4 * 1024 * 1024;

export type HashProgress = (hashedBytes: number, totalBytes: number) => void;

/** Streams a Blob through SHA-256 slice by slice; what the worker runs (and tests run in Node). */
export async function digestBlob(blob: Blob, onProgress?: HashProgress, sliceBytes = HASH_SLICE_BYTES): Promise<string> {
  const sha = await createSHA256();
  sha.init();
  for (let offset = 0; offset < blob.size; offset += sliceBytes) {
    const end = Math.min(offset + sliceBytes, blob.size);
    sha.update(new Uint8Array(await blob.slice(offset, end).arrayBuffer()));
    onProgress?.(end, blob.size);
  }
  return sha.digest('hex');
}

/** Messages between the page and a hash worker. */
export type HashRequest = { id: number; file: Blob };
export type HashReply = { id: number; progress: number } | { id: number; digest: string } | { id: number; error: string };

