import type { Cache } from '../cache';
import type { Database } from '../db';

/**
 * What the gallery reads with: the database and the shared public cache the JSON API uses,
 * so every admin write (which invalidates that namespace) reaches the pages on every replica.
 */
export interface GalleryContext {
  db: Database;
  cache: { public: Cache };
  config: { publicCacheTtlSeconds: number };
}

/** Gallery keys live beside the API's in the public namespace, under their own prefix. */
export function cachedRead<T>(ctx: GalleryContext, key: (string | number)[], parse: (value: unknown) => T, load: () => Promise<T>): Promise<T> {
  return ctx.cache.public.getOrLoad(['gallery', ...key], ctx.config.publicCacheTtlSeconds, load, { parse }).then((r) => r.value);
}
