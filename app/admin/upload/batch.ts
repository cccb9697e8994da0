'use client';
import { Upload } from 'tus-js-client';
import { formatBytes } from '../../_lib/library';
import { checkKnown } from './dedupe';
import { createHashPool, type HashJob } from './hash';
import type { PickedFile } from './files';
import { ENDPOINT, isRefusal, reasonOf, RETRY_DELAYS, statusOf, uploadSettings, type UploadSettings, whichImage } from './tus-client';

export type ItemState =
  | 'hashing' // waiting for or computing its SHA-256
  | 'queued'
  | 'uploading'
  | 'paused'
  | 'accepted'
  | 'duplicate' // already in the library: found before sending, or the server said so
  | 'refused' // the server refused the file (4xx with a reason)
  | 'failed' // gave up after the retries
  | 'cancelled';
export type DevelopStatus = 'pending' | 'processing' | 'ready' | 'failed';

export interface BatchItem {
  key: number;
  file: File;
  path: string;
  state: ItemState;
  sent: number;
  /** Bytes per second, smoothed. */
  speed: number;
  sha256?: string;
  reason?: string;
  imageId?: string;
  develop?: DevelopStatus;
  thumbnail?: string;
}

const PARALLEL_UPLOADS = 3;
const PARALLEL_HASHES = 2;
export const FINAL: readonly ItemState[] = ['accepted', 'duplicate', 'refused', 'failed', 'cancelled'];

/**
 * One upload batch, kept outside React: 1,000+ files change progress many times a second,
 * so the view subscribes and re-renders at most once per animation frame.
 */
export class Batch {
  items: BatchItem[] = [];
  private byKey = new Map<number, BatchItem>();
  private indexOfKey = new Map<number, number>();
  private uploads = new Map<number, Upload>();
  private listeners = new Set<() => void>();
  private nextKey = 0;
  private hashing = 0;
  private running = 0;
  private pending = false;
  private version = 0;
  private settings: Promise<UploadSettings> | undefined;
  private lastSample = new Map<number, { at: number; sent: number }>();
  paused = false;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getVersion = () => this.version;

  private changed() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.version += 1;
      this.items = this.items.slice(); // a new reference per frame, for React
      for (const l of this.listeners) l();
    });
  }
  private patch(item: BatchItem, patch: Partial<BatchItem>) {
    const next = { ...item, ...patch };
    this.byKey.set(item.key, next);
    const index = this.indexOfKey.get(item.key);
    if (index !== undefined) this.items[index] = next; // in place: a new array per progress event would be O(n) each
    this.changed();
    return next;
  }
  get(key: number) {
    return this.byKey.get(key);
  }

  add(picked: PickedFile[]) {
    const added = picked.map(({ file, path }): BatchItem => ({ key: this.nextKey++, file, path, state: 'hashing', sent: 0, speed: 0 }));
    for (const item of added) {
      this.byKey.set(item.key, item);
      this.indexOfKey.set(item.key, this.items.length);
      this.items.push(item);
    }
    this.changed();
    this.settings ??= uploadSettings();
    this.pumpHashes();
  }

  /** Hash a few files at a time and ask the server about them together. */
  private pumpHashes() {
    while (this.hashing < PARALLEL_HASHES) {
      const group = this.items.filter((i) => i.state === 'hashing' && !this.inHash.has(i.key)).slice(0, 25);
      if (group.length === 0) return;
      this.hashing += 1;
      for (const i of group) this.inHash.add(i.key);
      void this.hashGroup(group).finally(() => {
        this.hashing -= 1;
        this.pumpHashes();
      });
    }
  }
  private inHash = new Set<number>();
  private pool: ReturnType<typeof createHashPool> | undefined;
  private hashJobs = new Map<number, HashJob>();

  private async hashGroup(group: BatchItem[]) {
    this.pool ??= createHashPool();
    const pool = this.pool;
    // The pool hashes two at a time in Web Workers; a file that cannot be hashed is simply sent (the server dedupes too).
    const digests = await Promise.all(
      group.map(async (item) => {
        if (item.file.size === 0) return undefined;
        const job = pool.hash(item.file);
        this.hashJobs.set(item.key, job);
        return job.digest.catch(() => undefined).finally(() => this.hashJobs.delete(item.key));
      }),
    );
    const hashed: BatchItem[] = [];
    for (const [index, item] of group.entries()) {
      const sha256 = digests[index];
      const current = this.byKey.get(item.key);
      if (current) hashed.push(sha256 ? this.patch(current, { sha256 }) : current);
    }
    const known = await checkKnown(hashed.flatMap((i) => (i.sha256 ? [i.sha256] : []))).catch(() => new Map<string, { imageId: string; status: string }>());
    for (const item of hashed) {
      const current = this.byKey.get(item.key);
      if (!current || current.state !== 'hashing') continue;
      const hit = current.sha256 ? known.get(current.sha256) : undefined;
      // The server refuses empty files too; saying so here spares a request that cannot succeed.
      if (current.file.size === 0) this.patch(current, { state: 'refused', reason: 'The file is empty' });
      else if (hit) this.patch(current, { state: 'duplicate', imageId: hit.imageId, reason: 'Already in the library', develop: developOf(hit.status) });
      else this.patch(current, { state: 'queued' });
    }
    this.pump();
  }

  private pump() {
    while (!this.paused && this.running < PARALLEL_UPLOADS) {
      const next = this.items.find((i) => i.state === 'queued');
      if (!next) return;
      void this.start(next);
    }
  }

  private async start(item: BatchItem) {
    this.running += 1;
    let current = this.patch(item, { state: 'uploading' });
    const { chunkBytes: chunkSize, maxBytes } = await (this.settings ??= uploadSettings());
    if (this.byKey.get(item.key)?.state !== 'uploading') {
      // Paused or cancelled while waiting: nothing was in `uploads` for them to release.
      this.running -= 1;
      return this.pump();
    }
    current = this.byKey.get(item.key) ?? current;
    if (maxBytes !== undefined && current.file.size > maxBytes) {
      this.running -= 1;
      this.patch(current, { state: 'refused', reason: `Larger than the server's limit of ${formatBytes(maxBytes)}` });
      return this.pump();
    }
    const upload = new Upload(current.file, {
      endpoint: ENDPOINT,
      chunkSize,
      retryDelays: RETRY_DELAYS,
      metadata: { filename: current.file.name, filetype: current.file.type },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onShouldRetry: (error) => !isRefusal(statusOf(error)),
      onProgress: (sent) => this.progress(item.key, sent),
      onSuccess: ({ lastResponse }) => {
        const imageId = lastResponse.getHeader('Darkroom-Image-Id') ?? undefined;
        const outcome = lastResponse.getHeader('Darkroom-Upload-Outcome');
        void this.finish(item.key, imageId, outcome, upload.url ?? undefined);
      },
      onError: (error) => {
        const status = statusOf(error);
        this.settle(item.key, { state: isRefusal(status) ? 'refused' : 'failed', reason: reasonOf(error) });
      },
    });
    this.uploads.set(item.key, upload);
    // Same file added again after a reload: continue from the server's offset.
    const previous = await upload.findPreviousUploads().catch(() => []);
    const resumable = previous[0];
    if (resumable) upload.resumeFromPreviousUpload(resumable);
    // Paused or cancelled meanwhile: they took it out of `uploads` and released its slot.
    if (this.uploads.get(item.key) === upload) upload.start();
  }

  private progress(key: number, sent: number) {
    const item = this.byKey.get(key);
    if (!item) return;
    const now = performance.now();
    const last = this.lastSample.get(key);
    let speed = item.speed;
    if (last && now - last.at >= 250) {
      const instant = ((sent - last.sent) * 1000) / (now - last.at);
      speed = speed ? speed * 0.7 + instant * 0.3 : instant;
      this.lastSample.set(key, { at: now, sent });
    } else if (!last) this.lastSample.set(key, { at: now, sent });
    this.patch(item, { sent, speed });
  }

  /** The final PATCH names the image; a resume that found the upload complete asks (see whichImage). */
  private async finish(key: number, imageId: string | undefined, outcome: string | undefined, url?: string) {
    const item = this.byKey.get(key);
    if (!item) return;
    const found = imageId ? { imageId, outcome } : await whichImage(item.file.size, item.sha256, url);
    if ('refused' in found) return this.settle(key, { state: 'refused', reason: found.refused });
    if (!found.imageId) return this.settle(key, { state: 'failed', reason: 'The server finished the upload but named no image' });
    const duplicate = found.outcome === 'duplicate';
    this.settle(key, { state: duplicate ? 'duplicate' : 'accepted', imageId: found.imageId, sent: item.file.size, develop: 'pending', reason: duplicate ? 'Already in the library' : undefined });
  }

  private settle(key: number, patch: Partial<BatchItem>) {
    const item = this.byKey.get(key);
    if (!item) return;
    if (this.uploads.delete(key)) this.running -= 1;
    this.lastSample.delete(key);
    this.patch(item, { speed: 0, ...patch });
    this.pump();
  }

  pauseItem(key: number) {
    const item = this.byKey.get(key);
    if (!item || (item.state !== 'uploading' && item.state !== 'queued')) return;
    const upload = this.uploads.get(key);
    if (upload) {
      void upload.abort();
      this.uploads.delete(key);
      this.running -= 1;
    }
    this.patch(item, { state: 'paused', speed: 0 });
    this.pump();
  }
  resumeItem(key: number) {
    const item = this.byKey.get(key);
    if (!item || item.state !== 'paused') return;
    this.patch(item, { state: 'queued' });
    this.pump();
  }
  cancelItem(key: number) {
    const item = this.byKey.get(key);
    if (!item || FINAL.includes(item.state)) return;
    this.hashJobs.get(key)?.cancel();
    const upload = this.uploads.get(key);
    if (upload) {
      void upload.abort(true).catch(() => undefined); // terminate: the server drops the parts
      this.uploads.delete(key);
      this.running -= 1;
    }
    this.patch(item, { state: 'cancelled', speed: 0, reason: 'Cancelled' });
    this.pump();
  }

  pauseAll() {
    this.paused = true;
    for (const item of this.items) if (item.state === 'uploading') this.pauseItem(item.key);
    this.changed();
  }
  resumeAll() {
    this.paused = false;
    for (const item of this.items) if (item.state === 'paused') this.patch(item, { state: 'queued' });
    this.pump();
    this.changed();
  }
  cancelAll() {
    for (const item of this.items) this.cancelItem(item.key);
  }
  clear() {
    this.items = this.items.filter((i) => !FINAL.includes(i.state));
    this.byKey = new Map(this.items.map((i) => [i.key, i]));
    this.indexOfKey = new Map(this.items.map((i, index) => [i.key, index]));
    this.changed();
  }

  /** Develop status from the event stream. */
  developed(imageId: string, status: string, thumbnail?: string) {
    const develop = developOf(status);
    for (const item of this.items) {
      if (item.imageId === imageId) this.patch(item, { develop, thumbnail: thumbnail ?? item.thumbnail });
    }
  }
}

function developOf(status: string): DevelopStatus {
  return status === 'ready' || status === 'processing' || status === 'failed' ? status : 'pending';
}
