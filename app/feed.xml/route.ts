import { connection } from 'next/server';
import { getServices } from '../../server/boot';
import { readAtomFeed } from '../../server/site';

/** /feed.xml: Atom feed of the latest public photos, read per request. */
export async function GET() {
  await connection(); // never prerendered at build time
  const { value, backend } = await readAtomFeed(await getServices());
  return new Response(value, {
    headers: { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'no-cache', 'x-cache-backend': backend },
  });
}
