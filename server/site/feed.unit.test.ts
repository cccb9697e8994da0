import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { ImageDto } from '../images';
import { absoluteUrl, buildAtomFeed, feedVariant } from './feed';

const variant = (width: number, format: 'avif' | 'webp') => ({ width, height: width / 2, format, bytes: 1, url: `/api/v1/files/variants/x/t/${width}.${format}` });
const image = (variants: ImageDto['variants']): ImageDto => ({
  id: 'x', status: 'ready', title: 'T', width: 4000, height: 2000, placeholder: null, dominantColor: null, takenAt: null, exif: {},
  variants, albumId: 'a', visibility: 'public', createdAt: '2024-01-01T00:00:00.000Z',
});

describe('absoluteUrl', () => {
  it('keeps a path prefix of the base URL and never doubles the slash', () => {
    expect(absoluteUrl('https://example.org', '/p/1')).toBe('https://example.org/p/1');
    expect(absoluteUrl('https://example.org/photos/', '/p/1')).toBe('https://example.org/photos/p/1');
  });
});

describe('feedVariant', () => {
  it('takes the smallest WebP at least 1200 px wide, else the largest WebP, else any format', () => {
    expect(feedVariant(image([variant(640, 'webp'), variant(1280, 'avif'), variant(1280, 'webp'), variant(1920, 'webp')]))?.url).toMatch(/1280\.webp$/);
    expect(feedVariant(image([variant(320, 'webp'), variant(640, 'webp'), variant(1280, 'avif')]))?.url).toMatch(/640\.webp$/);
    expect(feedVariant(image([variant(1280, 'avif')]))?.url).toMatch(/1280\.avif$/);
    expect(feedVariant(image([]))).toBeUndefined();
  });
});

describe('buildAtomFeed', () => {
  it('is well-formed with no photos, dated now, and drops characters XML cannot carry', () => {
    const xml = buildAtomFeed({ baseUrl: 'https://example.org/g', site: { title: 'A\u0001B', description: '' }, photos: [], now: new Date('2025-05-05T00:00:00Z') });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<title>AB</title>');
    expect(xml).toContain('<updated>2025-05-05T00:00:00.000Z</updated>');
    expect(xml).toContain('href="https://example.org/g/feed.xml"');
    expect(xml).not.toContain('<subtitle');
  });
});
