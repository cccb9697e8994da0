import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../env';
import { rejectControlChars } from './reject-control-chars';

function app() {
  const api = new Hono<AppEnv>();
  api.use('*', rejectControlChars());
  api.get('/albums/:slug', (c) => c.json({ slug: c.req.param('slug') }));
  return api;
}

describe('rejectControlChars', () => {
  it('lets a plain URL through without decoding it', async () => {
    const res = await app().request('http://localhost/albums/summer-2024?cursor=abc&limit=10');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ slug: 'summer-2024' });
  });

  it('lets percent-encoded text that is not a control character through', async () => {
    const res = await app().request('http://localhost/albums/caf%C3%A9?cursor=a%20b');
    expect(res.status).toBe(200);
  });

  it.each(['/albums/a%00b', '/albums/x?cursor=%1B', '/albums/x?%7F=1', '/albums/x%C2%85'])('refuses %s with 400', async (path) => {
    const res = await app().request(`http://localhost${path}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });

  it('refuses a raw C1 control character that reached the URL undecoded (latin-1 request line)', async () => {
    const request = new Request('http://localhost/albums/x');
    // @hono/node-server builds c.req.url from the raw request line; a Request cannot carry it, so the url is forced.
    Object.defineProperty(request, 'url', { value: 'http://localhost/albums/x\u0085y' });
    const res = await app().fetch(request);
    expect(res.status).toBe(400);
  });
});
