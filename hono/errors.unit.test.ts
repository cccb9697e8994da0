import { describe, expect, it } from 'vitest';
import { captureLogs } from '../server/testing/processes';
import type { Services } from '../server/boot';
import { loggableError, onError } from './errors';
import { createRouter } from './router';

/** A database error as drizzle wraps a postgres-js one: the query and its parameters in the message. */
function queryError(code: string, message: string) {
  const cause = Object.assign(new Error(message), { name: 'PostgresError', code, query: 'select * from users where email = $1', parameters: ['alice@example.com'] });
  return Object.assign(new Error('Failed query: select * from users where email = $1\nparams: alice@example.com', { cause }), {
    name: 'DrizzleQueryError',
    query: 'select * from users where email = $1',
    params: ['alice@example.com'],
  });
}

function appThrowing(error: Error) {
  const logs = captureLogs('info');
  const app = createRouter();
  app.use('*', async (c, next) => {
    c.set('services', { log: logs.log } as unknown as Services);
    c.set('requestId', 'req-1');
    await next();
  });
  app.get('/boom', () => {
    throw error;
  });
  app.onError(onError);
  return { app, logs };
}

describe('the unknown-error branch', () => {
  it('logs a database error with its SQLSTATE and message, never the query text or parameters', async () => {
    const { app, logs } = appThrowing(queryError('42P01', 'relation "users" does not exist'));
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', requestId: 'req-1' } });
    const [line] = logs.lines();
    expect(line).toMatchObject({ msg: 'unhandled error', requestId: 'req-1', error: { type: 'DrizzleQueryError', cause: { type: 'PostgresError', code: '42P01', message: 'relation "users" does not exist' } } });
    expect(logs.text()).not.toMatch(/select|alice@example\.com|Failed query/);
  });

  it('answers a data exception (SQLSTATE class 22) from the request with 400 instead of 500', async () => {
    const { app, logs } = appThrowing(queryError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'));
    const res = await app.request('/boom');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect(logs.lines().filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
    expect(logs.text()).not.toMatch(/select|alice@example\.com/);
  });

  it('keeps an ordinary error whole and survives a cause cycle', () => {
    const a = new Error('outer');
    const b = new Error('inner', { cause: a });
    a.cause = b;
    const logged = loggableError(a);
    expect(logged).toMatchObject({ type: 'Error', message: 'outer', cause: { message: 'inner', cause: { message: 'outer' } } });
    expect(JSON.stringify(logged).length).toBeLessThan(20_000);
  });
});
