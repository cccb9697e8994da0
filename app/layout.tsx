import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { getServices } from '../server/boot';
import { absoluteUrl, readSiteSettings } from '../server/site';
import './globals.css';

/** The site title and description come from the admin's settings, read per request. */
export async function generateMetadata(): Promise<Metadata> {
  await connection(); // settings change at runtime: never read at build time
  const services = await getServices();
  const site = await readSiteSettings(services);
  const base = services.config.auth.baseUrl;
  return {
    metadataBase: new URL(base), // link previews need absolute URLs
    title: { default: site.title, template: `%s · ${site.title}` },
    description: site.description || undefined,
    alternates: { types: { 'application/atom+xml': [{ url: absoluteUrl(base, '/feed.xml'), title: site.title }] } },
  };
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
