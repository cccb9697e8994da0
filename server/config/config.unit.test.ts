import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '.';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', databaseUrl: undefined, redisUrl: undefined, cacheMode: 'local' });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('defaults CACHE_MODE to strict when REDIS_URL is set', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).cacheMode).toBe('strict');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', CACHE_MODE: 'degraded' }).cacheMode).toBe('degraded');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CACHE_MODE: 'sometimes' }, 'CACHE_MODE'],
    [{ CACHE_MODE: 'strict' }, 'CACHE_MODE: "strict" needs REDIS_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ BETTER_AUTH_SECRET: 'short' }, 'BETTER_AUTH_SECRET'],
    [{ ADMIN_EMAIL: 'owner@example.com' }, 'ADMIN_PASSWORD'],
  ])('stops on %o with a message naming the variable', (env, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(expected);
  });

  it('never echoes a secret value in its message', () => {
    expect(() => loadConfig({ BETTER_AUTH_SECRET: 'hunter2' })).toThrow('BETTER_AUTH_SECRET');
    expect(() => loadConfig({ BETTER_AUTH_SECRET: 'hunter2' })).not.toThrow('hunter2');
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('PORT');
      expect((error as Error).message).toContain('LOG_LEVEL');
    }
  });
});
