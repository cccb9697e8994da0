import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Database, schema } from '../db';

const { settings } = schema;

/** What visitors see at the top of the gallery (and in feeds and link previews). */
export const siteSettings = z
  .object({
    title: z.string().trim().min(1, 'Title is required').max(120),
    description: z.string().trim().max(1000),
  })
  .meta({ id: 'SiteSettings' });
export type SiteSettings = z.infer<typeof siteSettings>;

export const DEFAULT_SITE: SiteSettings = { title: 'Darkroom', description: 'Photographs' };
const SITE_KEY = 'site';

/** The saved site settings, or the defaults while none are saved (a bad stored value counts as none). */
export async function getSiteSettings(ctx: { db: Database }): Promise<SiteSettings> {
  const [row] = await ctx.db.select({ value: settings.value }).from(settings).where(eq(settings.key, SITE_KEY));
  const parsed = siteSettings.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_SITE;
}

export async function updateSiteSettings(ctx: { db: Database }, input: SiteSettings): Promise<SiteSettings> {
  const value = siteSettings.parse(input);
  await ctx.db.insert(settings).values({ key: SITE_KEY, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
  return value;
}
