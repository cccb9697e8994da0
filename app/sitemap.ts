import type { MetadataRoute } from 'next';
import { connection } from 'next/server';
import { getServices } from '../server/boot';
import { absoluteUrl, readSitemap } from '../server/site';

/** /sitemap.xml: home, every public album and photo. Read per request: albums change at runtime. */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  await connection(); // never prerendered at build time
  const services = await getServices();
  const base = services.config.auth.baseUrl;
  return (await readSitemap(services)).map((entry) => ({ url: absoluteUrl(base, entry.path), lastModified: entry.lastModified }));
}
