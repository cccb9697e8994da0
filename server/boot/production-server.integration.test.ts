import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../testing/next-build';
import { type ServerProcess, startServerProcess } from '../testing/processes';
import { rawRequest, requestHead } from '../testing/raw-http';
import { freePort } from '../testing/redis';

// `npm start` itself (server/boot/main.ts with Next) as a child process: the hostile requests of
// issue 7 against the real entry point. http.integration.test.ts covers the details in-process.

const MiB = 1024 * 1024;
const ORIGIN = 'http://localhost:3000';

describe('the production server process facing hostile clients', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    await ensureNextBuild();
    server = await startServerProcess({ AUTH_SIGN_IN_LIMIT_PER_MINUTE: '3', BETTER_AUTH_URL: ORIGIN }, { port: await freePort() });
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password', name: 'Owner' }),
    });
    expect(setup.status).toBe(201);
  }, NEXT_BUILD_TIMEOUT_MS + 180_000);
  afterAll(() => server?.stop());

  it('rotating x-darkroom-client-ip and X-Forwarded-For does not reset the sign-in limit', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-darkroom-client-ip': `198.51.100.${i}`, 'x-forwarded-for': `203.0.113.${i}` },
        body: JSON.stringify({ email: 'owner@example.com', password: 'wrong-password' }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it.each(['/api/v1/setup', '/api/auth/sign-in/email'])('a 300 MB body to %s is refused with 413 long before it is sent', async (target) => {
    const head = requestHead('POST', target, { 'content-type': 'application/json', origin: ORIGIN, 'content-length': String(300 * MiB) });
    const answer = await rawRequest(server.port, head, { total: 300 * MiB, first: Buffer.from('{"email":"') });
    expect(answer.status).toBe(413);
    expect(answer.sentBeforeAnswer).toBeLessThan(300 * MiB);
    await answer.closed;
    expect(server.alive()).toBe(true);
  });

  it('the tick endpoint is disabled without PREPROCESS_TICK_SECRET', async () => {
    const res = await fetch(`${server.url}/api/v1/preprocess-tasks/tick`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('PREPROCESS_TICK_SECRET');
  });
});

describe('the access log of npm start', () => {
  it('is batched, yet every request has its line once the server has stopped (SIGTERM)', async () => {
    await ensureNextBuild();
    const server = await startServerProcess({}, { port: await freePort() });
    try {
      const ids = Array.from({ length: 200 }, (_, i) => `access-${i}`);
      for (const id of ids) expect((await fetch(`${server.url}/api/v1/health`, { headers: { 'x-request-id': id } })).status).toBe(200);
    } finally {
      await server.stop();
    }
    const logged = new Set(server.lines().filter((l) => l.msg === 'request').map((l) => l.requestId));
    for (let i = 0; i < 200; i++) expect(logged.has(`access-${i}`), `access-${i}`).toBe(true);
    // Written before the process said it stopped: a supervisor that waits for that line has them all.
    const lines = server.lines();
    expect(lines.findIndex((l) => l.msg === 'stopped')).toBeGreaterThan(lines.findLastIndex((l) => l.msg === 'request'));
  }, NEXT_BUILD_TIMEOUT_MS + 180_000);
});
