import { asc, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { imageStatuses } from '../../drizzle/schema';
import { schema, type Database, type Transaction } from '../db';
import type { Logger } from '../log';
import { fileUrl } from './keys';

const { images, imageVariants } = schema;

/** NOTIFY channel: the payload is one image id; sent inside the transaction that changed its status. */
export const IMAGE_STATUS_CHANNEL = 'darkroom_image_status';

// 200 UUIDs keep the GET URL under 8 KB, which every proxy and node:http accept.
export const MAX_WATCHED = 200;

export const watchImagesInput = z
  .object({
    ids: z
      .string()
      .transform((s) => [...new Set(s.split(',').map((id) => id.trim()).filter(Boolean))])
      .pipe(z.array(z.string().max(64)).min(1).max(MAX_WATCHED))
      .meta({ description: `Comma-separated image ids, 1 to ${MAX_WATCHED}`, example: '0b6c…,3f9a…' }),
  })
  .meta({ id: 'WatchImages' });

export const imageStatusEvent = z
  .object({
    id: z.string(),
    status: z.enum([...imageStatuses, 'deleted']),
    thumbnail: z.string().optional().meta({ description: 'The smallest variant, as soon as it is developed (before the rest, while `processing`)' }),
    error: z.string().optional().meta({ description: 'Why developing failed' }),
  })
  .meta({ id: 'ImageStatusEvent' });
export type ImageStatusEvent = z.infer<typeof imageStatusEvent>;

/** Tells every replica's feed that these images changed; delivered when `tx` commits. */
export async function notifyImageStatus(tx: Transaction, ids: string[]): Promise<void> {
  for (const id of ids) await tx.execute(sql`select pg_notify(${IMAGE_STATUS_CHANNEL}, ${id})`);
}

export async function readImageStatuses(db: Database, ids: string[]): Promise<ImageStatusEvent[]> {
  if (!ids.length) return [];
  const [rows, variants] = await Promise.all([
    db.select({ id: images.id, status: images.status, lastError: images.lastError }).from(images).where(inArray(images.id, ids)),
    db.select({ imageId: imageVariants.imageId, key: imageVariants.key, format: imageVariants.format }).from(imageVariants).where(inArray(imageVariants.imageId, ids)).orderBy(asc(imageVariants.width)),
  ]);
  const found = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id): ImageStatusEvent => {
    const row = found.get(id);
    if (!row) return { id, status: 'deleted' };
    const event: ImageStatusEvent = { id, status: row.status };
    // Developing publishes the smallest variant first, so a `processing` image may have one already.
    if (row.status !== 'failed') {
      const small = variants.find((v) => v.imageId === id && v.format === 'webp') ?? variants.find((v) => v.imageId === id);
      if (small) event.thumbnail = fileUrl(small.key);
    }
    if (row.status === 'failed' && row.lastError) event.error = row.lastError;
    return event;
  });
}

type Listen = (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;

interface Watcher {
  ids: Set<string>;
  last: Map<string, string>;
  send(event: ImageStatusEvent): void;
}

export interface StatusFeedOptions {
  db: Database;
  listen: Listen;
  log: Logger;
  /** The fallback for a missed notification: one query for every watched id of this process. */
  pollMs?: number;
}

/**
 * One per process: a single LISTEN connection and a single fallback query, shared by every
 * open stream, so watching 1,000 uploads costs one query every few seconds, not 1,000.
 */
export class StatusFeed {
  private readonly watchers = new Set<Watcher>();
  private unlisten?: Promise<() => Promise<void>>;
  private timer?: NodeJS.Timeout;
  private dirty = new Set<string>();
  private flushing?: Promise<void>;
  private readonly closers = new Set<() => void>();
  closed = false;

  /** Open streams in this process. */
  get watching(): number {
    return this.watchers.size;
  }

  constructor(private readonly options: StatusFeedOptions) {}

  /** Sends the current status of every id at once, then each change; resolves the stop function. */
  async watch(ids: string[], send: (event: ImageStatusEvent) => void, onClose: () => void): Promise<() => void> {
    if (this.closed) throw new Error('the status feed is closed');
    const watcher: Watcher = { ids: new Set(ids), last: new Map(), send };
    this.watchers.add(watcher);
    this.closers.add(onClose);
    this.start();
    const stop = () => {
      this.watchers.delete(watcher);
      this.closers.delete(onClose);
      if (!this.watchers.size) this.stopPolling();
    };
    try {
      this.deliver(await readImageStatuses(this.options.db, ids), [watcher]);
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  /** Ends every open stream (shutdown) and the LISTEN. */
  async close(): Promise<void> {
    this.closed = true;
    for (const close of [...this.closers]) close();
    this.stopPolling();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    if (unlisten) await (await unlisten.catch(() => async () => {}))().catch(() => {});
  }

  private start(): void {
    this.unlisten ??= this.options.listen(IMAGE_STATUS_CHANNEL, (id) => this.markDirty([id])).catch((error: unknown) => {
      // Without LISTEN the poll still delivers every change, only later.
      this.options.log.warn({ err: error }, 'image status LISTEN failed; falling back to polling');
      this.unlisten = undefined;
      return async () => {};
    });
    this.timer ??= setInterval(() => this.markDirty(this.allWatched()), this.options.pollMs ?? 3000);
    this.timer.unref();
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private allWatched(): string[] {
    const all = new Set<string>();
    for (const w of this.watchers) for (const id of w.ids) all.add(id);
    return [...all];
  }

  private markDirty(ids: string[]): void {
    const watched = new Set(this.allWatched());
    for (const id of ids) if (watched.has(id)) this.dirty.add(id);
    if (this.dirty.size && !this.flushing) this.flushing = this.flush().finally(() => (this.flushing = undefined));
  }

  // Notifications arriving during a query are batched into the next one.
  private async flush(): Promise<void> {
    while (this.dirty.size && !this.closed) {
      const ids = [...this.dirty];
      this.dirty.clear();
      try {
        this.deliver(await readImageStatuses(this.options.db, ids), [...this.watchers]);
      } catch (error) {
        this.options.log.warn({ err: error }, 'image statuses not read; the next poll retries');
        return;
      }
    }
  }

  private deliver(events: ImageStatusEvent[], watchers: Watcher[]): void {
    for (const watcher of watchers) {
      for (const event of events) {
        if (!watcher.ids.has(event.id)) continue;
        const key = `${event.status} ${event.thumbnail ?? ''}`;
        if (watcher.last.get(event.id) === key) continue;
        watcher.last.set(event.id, key);
        watcher.send(event);
      }
    }
  }
}

const feeds = new WeakMap<object, StatusFeed>();

/** The process's feed for these services (created on first use). */
export function statusFeedOf(owner: object, options: StatusFeedOptions): StatusFeed {
  let feed = feeds.get(owner);
  if (!feed) {
    feed = new StatusFeed(options);
    feeds.set(owner, feed);
  }
  return feed;
}

/** Shutdown: ends the open streams first, so the HTTP server can close without waiting on them. */
export async function closeStatusFeed(owner: object): Promise<void> {
  await feeds.get(owner)?.close();
}
