/** Random read targets resolved once, before any timing. */
import type { LibraryDb } from './database';
import type { Picks } from './targets';

const strings = (rows: Record<string, unknown>[], key: string) => rows.map((r) => String(r[key]));

export async function resolvePicks(library: LibraryDb): Promise<Picks> {
  const albumSlugs = strings(await library.exec(`select slug from albums where visibility = 'public' order by random() limit 300`), 'slug');
  // 80 % of the way through an album's public photos: a deep page a visitor reaches by scrolling.
  const deep = await library.exec(`
    select a.slug, x.id from (select * from albums where visibility = 'public' order by random() limit 100) a
    cross join lateral (
      select id from images i where i.album_id = a.id and i.status = 'ready' and i.visibility = 'public'
      order by i.created_at desc, i.id desc
      offset (select (count(*) * 0.8)::int from images j where j.album_id = a.id and j.status = 'ready' and j.visibility = 'public') limit 1) x`);
  const publicImageIds = strings(
    await library.exec(`
      select i.id from images i join albums a on a.id = i.album_id
      where i.status = 'ready' and i.visibility = 'public' and a.visibility = 'public' and i.sha256 < '08'
      order by random() limit 2000`),
    'id',
  );
  const anyImageIds = strings(await library.exec(`select id from images where sha256 < '08' order by random() limit 2000`), 'id');
  const [range] = await library.exec(`select (extract(epoch from min(taken_at)) * 1000)::float8 as "from", (extract(epoch from max(taken_at)) * 1000)::float8 as "to" from images`);
  return {
    albumSlugs,
    deepCursors: deep.map((r) => ({ slug: String(r.slug), cursor: String(r.id) })),
    publicImageIds,
    anyImageIds,
    takenRange: { from: Number(range?.from), to: Number(range?.to) },
  };
}
