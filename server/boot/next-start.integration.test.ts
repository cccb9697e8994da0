import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../testing/next-build';
import { formData, makeJpeg } from '../testing/photos';
import { type ServerProcess, startNextProcess } from '../testing/processes';
import { freePort } from '../testing/redis';

// `next start`: the serverless entry (Vercel, or any host that runs Next itself). Every module is
// Next's bundle here, not the source or dist/server/, so code that works under `npm start` can
// still break under the bundler (import.meta.resolve did: every API request answered 500).

const ORIGIN = 'http://localhost:3000';
const OWNER = { email: 'owner@example.com', password: 'owner-password', name: 'Owner' };

describe('next start, on the embedded default', () => {
  let next: Omit<ServerProcess, 'workerId'>;
  beforeAll(async () => {
    await ensureNextBuild();
    next = await startNextProcess({ BETTER_AUTH_URL: ORIGIN }, { port: await freePort() });
  }, NEXT_BUILD_TIMEOUT_MS + 120_000);
  afterAll(() => next?.stop());

  it('creates the embedded database and answers the API through the Next route handler', async () => {
    const health = await fetch(`${next.url}/api/v1/health`);
    expect(health.status, next.output()).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const setup = await fetch(`${next.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    });
    expect(setup.status, next.output()).toBe(201);

    const albums = await fetch(`${next.url}/api/v1/albums`);
    expect(albums.status).toBe(200);
    expect(await albums.json()).toMatchObject({ items: [] });
  });

  // What an upload needs loads with the first one (sharp, file-type, the tus server): here
  // through Next's bundle, where a dynamic import can break as import.meta.resolve did.
  it('takes a resumable (tus) upload and a multipart one through the route handler', async () => {
    const signIn = await fetch(`${next.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
    });
    expect(signIn.status, next.output()).toBe(200);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const admin = { cookie, origin: ORIGIN };
    const photo = await makeJpeg({ width: 640, height: 480, seed: 7 });

    const tus = { ...admin, 'tus-resumable': '1.0.0' };
    const created = await fetch(`${next.url}/api/v1/admin/uploads`, {
      method: 'POST',
      headers: { ...tus, 'upload-length': String(photo.length), 'upload-metadata': `filename ${Buffer.from('tus.jpg').toString('base64')}` },
    });
    expect(created.status, next.output()).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v1\/admin\/uploads\/[0-9a-f]{32}$/);
    const finished = await fetch(`${next.url}${location}`, {
      method: 'PATCH',
      headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: new Uint8Array(photo),
    });
    expect(finished.status, next.output()).toBe(204);
    expect(finished.headers.get('darkroom-upload-outcome')).toBe('accepted');
    expect(finished.headers.get('darkroom-image-id')).toMatch(/^[0-9a-f-]{36}$/);

    const multipart = await fetch(`${next.url}/api/v1/admin/images`, {
      method: 'POST',
      headers: admin,
      body: formData([{ name: 'form.jpg', data: await makeJpeg({ width: 640, height: 480, seed: 8 }) }]),
    });
    expect(multipart.status, next.output()).toBe(202);
  });
});
