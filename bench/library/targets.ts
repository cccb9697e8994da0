/** What the bench reads: each target is one service call (what one HTTP request of it runs). */
import { createHash } from 'node:crypto';
import { imageStatuses } from '../../drizzle/schema';
import { Fleet } from '../../server/availability/fleet';
import { createStatusReader } from '../../server/availability/status';
import { loadConfig } from '../../server/config';
import { countByStatus } from '../../server/db/counts';
import { getPublicAlbum, getPublicImage, listImages, listPublicAlbums } from '../../server/images';
import { createLogger } from '../../server/log';
import { countJobsByStatus, listJobs } from '../../server/queue';
import type { LibraryDb } from './database';
import { ALBUMS, WORDS } from './generate';

export interface Target {
  name: string;
  /** Public and admin reads have the p95 target; the queue's claim is reported beside them. */
  kind: 'public' | 'admin';
  run(db: LibraryDb, pick: () => number): Promise<unknown>;
}

/** Random picks the bench resolved once, before timing (public albums, deep cursors, image ids). */
export interface Picks {
  albumSlugs: string[];
  deepCursors: { slug: string; cursor: string }[];
  publicImageIds: string[];
  anyImageIds: string[];
  takenRange: { from: number; to: number };
}

const at = <T>(list: T[], pick: () => number): T => {
  const value = list[Math.floor(pick() * list.length)];
  if (value === undefined) throw new Error('the bench found nothing to read: was the library generated?');
  return value;
};

const DAY = 86_400_000;
const silent = createLogger({ level: 'silent' });
const fleetTiming = loadConfig({}).fleet;

export function targets(picks: Picks): Target[] {
  const admin = (name: string, input: (pick: () => number) => Parameters<typeof listImages>[1]): Target => ({
    name: `admin library: ${name}`,
    kind: 'admin',
    run: (l, pick) => listImages({ db: l.db }, input(pick)),
  });
  return [
    { name: 'public album page (first)', kind: 'public', run: (l, pick) => getPublicAlbum({ db: l.db }, at(picks.albumSlugs, pick), { limit: 30 }) },
    {
      name: 'public album page (deep, by cursor)',
      kind: 'public',
      run: (l, pick) => {
        const { slug, cursor } = at(picks.deepCursors, pick);
        return getPublicAlbum({ db: l.db }, slug, { cursor, limit: 30 });
      },
    },
    { name: 'public image by id', kind: 'public', run: (l, pick) => getPublicImage({ db: l.db }, at(picks.publicImageIds, pick)) },
    { name: 'public album list', kind: 'public', run: (l) => listPublicAlbums({ db: l.db }, { limit: 24 }) },
    admin('newest', () => ({})),
    admin('deep page by cursor', (pick) => ({ cursor: at(picks.anyImageIds, pick) })),
    admin('album', (pick) => ({ albumId: albumIdOf(1 + Math.floor(pick() * ALBUMS)) })),
    admin('status=failed', () => ({ status: 'failed' })),
    admin('status=pending', () => ({ status: 'pending' })),
    admin('tag', (pick) => ({ tag: `tag-${1 + Math.floor(pick() * 200)}` })),
    admin('taken in a 30-day range', (pick) => {
      const from = picks.takenRange.from + pick() * (picks.takenRange.to - picks.takenRange.from - 30 * DAY);
      return { takenFrom: new Date(from).toISOString(), takenTo: new Date(from + 30 * DAY).toISOString() };
    }),
    admin('title search (common word)', (pick) => ({ q: at(WORDS, pick) })),
    admin('title search (rare: a number)', (pick) => ({ q: String(10_000 + Math.floor(pick() * 80_000)) })),
    {
      name: 'jobs list (page + counts)',
      kind: 'admin',
      run: (l) => Promise.all([listJobs(l.db, { limit: 50 }), countJobsByStatus(l.db)]),
    },
    { name: 'jobs list: queued', kind: 'admin', run: (l) => Promise.all([listJobs(l.db, { status: 'queued', limit: 50 }), countJobsByStatus(l.db)]) },
    {
      name: '/status (PostgreSQL path, no memo)',
      kind: 'public',
      // A new reader per call: the reader's 2 s memo would otherwise answer most calls.
      run: (l) => createStatusReader(new Fleet({ db: l.db, log: silent, self: { id: 'bench', hostname: 'bench', version: 'bench', concurrency: 1 }, timing: fleetTiming }))(),
    },
    { name: 'dashboard photo counts', kind: 'admin', run: (l) => countByStatus(l.db, 'images', imageStatuses) },
  ];
}

/** Same id expression as generate.ts's albumId(), computed here: md5('album-' || n) as a UUID. */
export function albumIdOf(n: number): string {
  const hex = createHash('md5').update(`album-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
