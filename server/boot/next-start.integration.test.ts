import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../testing/next-build';
import { type ServerProcess, startNextProcess } from '../testing/processes';
import { freePort } from '../testing/redis';

// `next start`: the serverless entry (Vercel, or any host that runs Next itself). Every module is
// Next's bundle here, not the source or dist/server/, so code that works under `npm start` can
// still break under the bundler (import.meta.resolve did: every API request answered 500).

describe('next start, on the embedded default', () => {
  let next: Omit<ServerProcess, 'workerId'>;
  beforeAll(async () => {
    await ensureNextBuild();
    next = await startNextProcess({}, { port: await freePort() });
  }, NEXT_BUILD_TIMEOUT_MS + 120_000);
  afterAll(() => next?.stop());

  it('creates the embedded database and answers the API through the Next route handler', async () => {
    const health = await fetch(`${next.url}/api/v1/health`);
    expect(health.status, next.output()).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const setup = await fetch(`${next.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password', name: 'Owner' }),
    });
    expect(setup.status, next.output()).toBe(201);

    const albums = await fetch(`${next.url}/api/v1/albums`);
    expect(albums.status).toBe(200);
    expect(await albums.json()).toMatchObject({ items: [] });
  });
});
