import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
beforeAll(async () => {
  t = await createTestClient('pglite');
});
afterAll(() => t.close());

describe('system endpoints', () => {
  it('health and ready answer 200 with a request id', async () => {
    const health = await t.api('/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await (await t.api('/ready')).json()).toEqual({ status: 'ready', checks: { database: 'pglite', redis: 'not-required' } });
  });

  it('with the database gone: ready answers 503, other routes a 500 without the internal message', async () => {
    const broken = await createTestClient('pglite');
    await broken.services.database.close();
    try {
      const res = await broken.api('/ready');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
      const failed = await broken.api('/setup');
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({
        error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', requestId: failed.headers.get('x-request-id') },
      });
    } finally {
      await broken.close().catch(() => {});
    }
  });

  it('serves an OpenAPI document listing the routes', async () => {
    const doc = (await (await t.api('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/health', '/api/v1/ready', '/api/v1/admin/users', '/api/v1/admin/users/{id}/deactivate']));
  });

  it('unknown routes get the error envelope with the caller request id', async () => {
    const res = await t.api('/nope', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /api/v1/nope', requestId: 'trace-123' } });
  });

});

describe('sign-in rate limit', () => {
  it('answers 429 after the per-minute limit for one address, and not for another', async () => {
    const limited = await createTestClient('pglite', { AUTH_SIGN_IN_LIMIT_PER_MINUTE: '3' });
    try {
      const attempt = (ip: string) => limited.auth('/sign-in/email', { ip, json: { email: 'x@example.com', password: 'wrong-password' } });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await attempt('198.51.100.1')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await attempt('198.51.100.2')).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
