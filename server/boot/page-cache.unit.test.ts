import { describe, expect, it } from 'vitest';
import { acceptsGzip, cacheablePageUrl, pageCacheKey } from './page-cache';

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') => cacheablePageUrl({ method, url, headers });

describe('which requests the page cache answers', () => {
  it.each(['/', '/a/summer-2025', '/p/0f8c2b1e-photo', '/feed.xml', '/sitemap.xml', '/robots.txt'])('%s is a cacheable gallery document', (url) => {
    expect(get(url)).toBe(url);
    expect(get(url, {}, 'HEAD')).toBe(url);
  });

  it('the query is not part of the page (gallery pages read none), so made-up queries cannot fill the cache', () => {
    expect(get('/a/summer?after=abc')).toBe('/a/summer');
    expect(get('/?utm_source=feed&x=1')).toBe('/');
    expect(get('/p/1?')).toBe('/p/1');
  });

  it.each(['/s/token', '/s/token/p/1', '/admin', '/admin/albums', '/login', '/setup', '/_next/static/chunks/app.js', '/a/x/y', '/a/', '/p/', '/favicon.ico', '/api/v1/albums'])(
    '%s is never cached',
    (url) => {
      expect(get(url)).toBeUndefined();
    },
  );

  it('only GET and HEAD', () => {
    expect(get('/', {}, 'POST')).toBeUndefined();
    expect(get('/a/x', {}, 'OPTIONS')).toBeUndefined();
  });

  it.each([['rsc', '1'], ['next-router-state-tree', '%5B%5D'], ['next-router-prefetch', '1'], ['next-url', '/a/x'], ['next-action', 'abc']])(
    'a client navigation (%s header) goes to Next uncached',
    (name, value) => {
      expect(get('/a/x', { [name]: value })).toBeUndefined();
    },
  );

  it('an _rsc query goes to Next uncached', () => {
    expect(get('/a/x?_rsc=1a2b')).toBeUndefined();
    expect(get('/?x=1&_rsc=')).toBeUndefined();
  });

  it('cookies and other headers do not matter: gallery pages are the same for every visitor', () => {
    expect(get('/a/x', { cookie: 'darkroom.session_token=abc', 'accept-language': 'de' })).toBe('/a/x');
  });

  it('refuses absurdly long URLs (nobody fills the cache with them)', () => {
    expect(get(`/a/x?q=${'a'.repeat(5000)}`)).toBeUndefined();
  });

  it('the key holds the build id and the path', () => {
    expect(pageCacheKey('build-1', '/a/x')).toEqual(['page', 'build-1', '/a/x']);
    expect(pageCacheKey('build-1', '/a/x')).not.toEqual(pageCacheKey('build-2', '/a/x'));
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['*', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
