import { create } from 'xmlbuilder2';
import type { ImageDto } from '../images/dto';
import type { SiteSettings } from '../settings';

const ATOM = 'http://www.w3.org/2005/Atom';
const XHTML = 'http://www.w3.org/1999/xhtml';
/** Feed readers show one picture per entry; about this wide is sharp on any screen yet light. */
export const FEED_IMAGE_WIDTH = 1200;

/** `path` under the configured public base URL (which may itself carry a path prefix). */
export const absoluteUrl = (baseUrl: string, path: string) => `${baseUrl.replace(/\/+$/, '')}${path}`;

/** WebP (every feed reader shows it) of the smallest width at least FEED_IMAGE_WIDTH, else the largest there is. */
export function feedVariant(image: ImageDto): ImageDto['variants'][number] | undefined {
  const preferred = image.variants.filter((v) => v.format === 'webp');
  const pool = (preferred.length ? preferred : image.variants).toSorted((a, b) => a.width - b.width);
  return pool.find((v) => v.width >= FEED_IMAGE_WIDTH) ?? pool.at(-1);
}

const photoTitle = (image: ImageDto) => image.title.trim() || 'Untitled photo';

/**
 * An Atom feed of the given photos, newest first. Built as a tree, so every title and
 * URL is escaped by the builder; characters XML cannot carry are dropped.
 */
export function buildAtomFeed(input: { baseUrl: string; site: SiteSettings; photos: ImageDto[]; now: Date }): string {
  const url = (path: string) => absoluteUrl(input.baseUrl, path);
  const updated = input.photos[0]?.createdAt ?? input.now.toISOString();
  const feed = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' }).ele(ATOM, 'feed');
  feed.ele('id').txt(url('/'));
  feed.ele('title').txt(input.site.title);
  if (input.site.description) feed.ele('subtitle').txt(input.site.description);
  feed.ele('updated').txt(updated);
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: url('/feed.xml') });
  feed.ele('link', { rel: 'alternate', type: 'text/html', href: url('/') });
  feed.ele('author').ele('name').txt(input.site.title);
  feed.ele('generator').txt('Darkroom');

  for (const photo of input.photos) {
    const link = url(`/p/${encodeURIComponent(photo.id)}`);
    const entry = feed.ele('entry');
    entry.ele('id').txt(link);
    entry.ele('title').txt(photoTitle(photo));
    entry.ele('link', { rel: 'alternate', type: 'text/html', href: link });
    entry.ele('published').txt(photo.createdAt);
    entry.ele('updated').txt(photo.createdAt);
    const div = entry.ele('content', { type: 'xhtml' }).ele(XHTML, 'div');
    const variant = feedVariant(photo);
    if (variant) {
      div
        .ele('a', { href: link })
        .ele('img', { src: url(variant.url), width: String(variant.width), height: String(variant.height), alt: photoTitle(photo) });
    }
    if (photo.takenAt) div.ele('p').txt(`Taken ${photo.takenAt.slice(0, 10)}`);
  }
  return feed.end({ prettyPrint: false });
}
