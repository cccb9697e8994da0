import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
beforeAll(async () => {
  t = await createTestClient('pglite');
});
afterAll(() => t.close());

const bundleDir = path.join(process.cwd(), 'node_modules', '@scalar', 'api-reference');
const version = (JSON.parse(fs.readFileSync(path.join(bundleDir, 'package.json'), 'utf8')) as { version: string }).version;
const assets = `/docs/assets/${version}`;

describe('GET /docs, the API reference page', () => {
  it('renders the live document with the bundle served here, under a nonce-based CSP', async () => {
    const res = await t.api('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain(`import { createApiReference } from '/api/v1${assets}/standalone.esm.js'`);
    expect(html).toContain('"url": "/api/v1/openapi.json"');
    // No address of another host the browser would load from: no CDN, no font service.
    expect(html).not.toMatch(/(src|href|from)\s*=?\s*["']?https?:/);
    expect(html).not.toMatch(/jsdelivr|unpkg|fonts\.scalar/);

    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self' 'nonce-/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
    expect(html).toContain(`<script type="module" nonce="${nonce}">`);

    const again = await t.api('/docs');
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });

  it('sets no HSTS: whether the site is HTTPS-only is for the operator to say', async () => {
    expect((await t.api('/docs')).headers.get('strict-transport-security')).toBeNull();
  });

  it('is listed in the OpenAPI document, which shows the session security scheme and examples', async () => {
    const doc = (await (await t.api('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, { example?: Record<string, unknown> }> };
    };
    expect(doc.paths['/api/v1/docs']).toBeDefined();
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
    // The shapes of the album list, an album page and an upload's answer.
    expect(doc.components.schemas.PublicAlbum?.example).toMatchObject({ slug: 'summer-2024' });
    expect(doc.components.schemas.Image?.example).toMatchObject({ status: 'ready' });
    expect(doc.components.schemas.AdminImage?.example).toMatchObject({ status: 'pending' });
  });
});

describe('GET /docs/assets/<version>/<file>, the browser bundle', () => {
  it('serves the entry and its chunks as JavaScript, cached for good, gzipped on request', async () => {
    const res = await t.api(`${assets}/standalone.esm.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const entry = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    expect(entry).toBe(fs.readFileSync(path.join(bundleDir, 'dist', 'browser', 'standalone.esm.js'), 'utf8'));

    const chunk = /from\s*"\.\/(chunks\/[^"]+\.js)"/.exec(entry)?.[1];
    expect(chunk).toBeTruthy();
    const chunkRes = await t.api(`${assets}/${chunk}`);
    expect(chunkRes.status).toBe(200);
    expect(chunkRes.headers.get('content-encoding')).toBeNull();
    expect(await chunkRes.text()).toBe(fs.readFileSync(path.join(bundleDir, 'dist', 'browser', chunk ?? ''), 'utf8'));
  });

  it.each([
    `${assets}/standalone.esm.js.map`,
    `${assets}/../package.json`,
    `${assets}/..%2F..%2Fpackage.json`,
    `${assets}/%2e%2e/%2e%2e/package.json`,
    `${assets}/chunks/..%2F..%2F..%2Findex.js`,
    `${assets}/chunks/.hidden.js`,
    `${assets}/nested/dir/file.js`,
    `${assets}/missing-chunk.js`,
    '/docs/assets/0.0.1/standalone.esm.js',
  ])('%s is not found, as JSON in the error envelope', async (target) => {
    const res = await t.api(target);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
