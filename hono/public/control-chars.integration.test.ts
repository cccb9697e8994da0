import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../server/testing/processes';
import { createTestClient, type TestClient } from '../testing/client';

// PostgreSQL refuses NUL in text: these reached the database and came back as 500 with the
// full SQL in the error log. They must be refused at the edge instead.
const PUBLIC = [
  '/albums/%00',
  '/albums/a%00b',
  '/albums/summer%07',
  '/albums?cursor=%00',
  '/albums?cursor=a%00b',
  '/albums/summer?cursor=%00',
  '/images/a%00b',
  '/images/%00',
  '/images/%1B%5B2J',
  '/files/x%00y',
  '/files/variants/a%00b/1280.avif',
  '/albums?%00=x',
];
const ADMIN: [string, string][] = [
  ['GET', '/admin/images/a%00b'],
  ['GET', '/admin/images?cursor=%00'],
  ['GET', '/admin/images?tag=a%00b'],
  ['GET', '/admin/images?albumId=%00'],
  ['GET', '/admin/albums/%00'],
  ['DELETE', '/admin/albums/a%00b'],
  ['POST', '/admin/images/a%00b/reprocess'],
  ['POST', '/admin/jobs/%00/retry'],
  ['POST', '/admin/jobs/a%00b/cancel'],
  ['GET', '/admin/jobs?cursor=%00'],
  ['POST', '/admin/users/%00/deactivate'],
  ['POST', '/admin/workers/a%00b/drain'],
  ['DELETE', '/admin/tags/%00'],
];
const SQL = /\b(select|insert|update|delete)\b[\s\S]*\b(from|into|set|where)\b|Failed query|params:|parameters/i;

describe('control characters in paths, queries and bodies (PostgreSQL)', () => {
  const logs = captureLogs('info');
  let t: TestClient;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestClient('postgres', { PREPROCESS_TICKER_ENABLED: 'false' }, { log: logs.log });
    ({ cookie } = await t.owner());
  });
  afterAll(() => t.close());

  const expectRefused = async (res: Response, what: string) => {
    expect([400, 404], `${what} → ${res.status}`).toContain(res.status);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(['BAD_REQUEST', 'VALIDATION_FAILED', 'NOT_FOUND']).toContain(body.error.code);
    expect(body.error.message).not.toMatch(SQL);
  };

  it.each(PUBLIC)('GET %s is refused with 400/404, never 500', async (path) => {
    await expectRefused(await t.api(path), path);
  });

  it.each(ADMIN)('%s %s (signed in) is refused with 400/404, never 500', async (method, path) => {
    await expectRefused(await t.api(path, { method, cookie }), `${method} ${path}`);
  });

  it.each([
    ['an album title', 'POST', '/admin/albums', { title: 'a\u0000b' }],
    ['an album slug', 'POST', '/admin/albums', { title: 'ok', slug: 'x\u0000' }],
    ['an album description', 'POST', '/admin/albums', { title: 'ok', description: 'fine\u0000' }],
    ['a user name', 'POST', '/admin/users', { email: 'nul@example.com', password: 'password-1', name: 'N\u0000L', role: 'viewer' }],
  ] as const)('a NUL in %s of a JSON body is refused with 400', async (_label, method, path, json) => {
    const res = await t.api(path, { method, cookie, json });
    expect(res.status).toBe(400);
    await expectRefused(res, path);
  });

  it('logged no SQL and no error for any of them', () => {
    const lines = logs.lines();
    expect(lines.filter((l) => l.msg === 'request').length).toBeGreaterThan(PUBLIC.length + ADMIN.length);
    expect(lines.filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
    expect(logs.text()).not.toMatch(SQL);
  });
});

describe('a database failure (PostgreSQL)', () => {
  const logs = captureLogs('info');
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('postgres', { PREPROCESS_TICKER_ENABLED: 'false' }, { log: logs.log });
  });
  afterAll(() => t.close());

  it('is logged with its PostgreSQL code and message, without the query text or its parameters', async () => {
    const { cookie } = await t.owner();
    await t.services.db.execute('alter table tags rename to tags_gone');
    const res = await t.api('/admin/tags', { cookie });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    const [line] = logs.lines().filter((l) => l.msg === 'unhandled error');
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).toContain('42P01'); // undefined_table: enough to act on
    expect(JSON.stringify(line)).toContain('relation \\"tags\\" does not exist');
    expect(logs.text()).not.toMatch(SQL);
  });
});
