import type { MetadataRoute } from 'next';
import { connection } from 'next/server';
import { getServices } from '../server/boot';
import { absoluteUrl } from '../server/site';

/** /robots.txt: crawl the gallery, never the admin, the API, sign-in, setup or share links. */
export default async function robots(): Promise<MetadataRoute.Robots> {
  await connection(); // the base URL is runtime configuration, not known at build time
  const { config } = await getServices();
  return {
    rules: { userAgent: '*', allow: '/', disallow: ['/admin', '/api', '/login', '/setup', '/s/'] },
    sitemap: absoluteUrl(config.auth.baseUrl, '/sitemap.xml'),
  };
}
