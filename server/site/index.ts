import { z } from 'zod';
import type { Cache } from '../cache';
import type { Database } from '../db';
import { getSiteSettings, type SiteSettings, siteSettings } from '../settings';
import { buildAtomFeed } from './feed';
import { listLatestPublicPhotos, listSitemapEntries, type SitemapEntry } from './listings';

/** What the site publishes around the gallery: its settings, the sitemap and the Atom feed. */
export { absoluteUrl, buildAtomFeed, feedVariant, FEED_IMAGE_WIDTH } from './feed';
export { listLatestPublicPhotos, listSitemapEntries, SITEMAP_MAX_PHOTOS, type SitemapEntry } from './listings';

export const FEED_SIZE = 50;

/**
 * Reads go through the shared public cache like the public API (every admin write that
 * changes what visitors see drops it on every replica; strict mode without Redis reads through).
 */
export interface SiteContext {
  db: Database;
  cache: { public: Cache };
  config: { auth: { baseUrl: string }; publicCacheTtlSeconds: number };
}

const sitemapEntries = z.array(z.object({ path: z.string(), lastModified: z.string() }));

export async function readSiteSettings(ctx: SiteContext): Promise<SiteSettings> {
  const { value } = await ctx.cache.public.getOrLoad(['site', 'settings'], ctx.config.publicCacheTtlSeconds, () => getSiteSettings(ctx), { parse: siteSettings });
  return value;
}

export async function readSitemap(ctx: SiteContext): Promise<SitemapEntry[]> {
  const { value } = await ctx.cache.public.getOrLoad(['site', 'sitemap'], ctx.config.publicCacheTtlSeconds, () => listSitemapEntries(ctx), { parse: sitemapEntries });
  return value;
}

/** The Atom feed document of the latest FEED_SIZE public photos, and where it came from (X-Cache-Backend). */
export async function readAtomFeed(ctx: SiteContext, now = new Date()) {
  return ctx.cache.public.getOrLoad(
    ['site', 'feed'],
    ctx.config.publicCacheTtlSeconds,
    async () => buildAtomFeed({ baseUrl: ctx.config.auth.baseUrl, site: await getSiteSettings(ctx), photos: await listLatestPublicPhotos(ctx, FEED_SIZE), now }),
    { parse: z.string() },
  );
}
