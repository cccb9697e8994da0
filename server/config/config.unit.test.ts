import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, maskUrlCredentials } from '.';

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
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ METRICS_PORT: '0' }, 'METRICS_PORT'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT: must differ from PORT'],
    [{ PORT: '8080', METRICS_PORT: '8080' }, 'METRICS_PORT: must differ from PORT'],
    [{ API_KEY_RATE_LIMIT_PER_MINUTE: '0' }, 'API_KEY_RATE_LIMIT_PER_MINUTE'],
  ])('stops on %o with a message naming the variable', (env, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(expected);
  });

  it('never echoes a secret value in its message', () => {
    expect(() => loadConfig({ BETTER_AUTH_SECRET: 'hunter2' })).toThrow('BETTER_AUTH_SECRET');
    expect(() => loadConfig({ BETTER_AUTH_SECRET: 'hunter2' })).not.toThrow('hunter2');
    expect(() => loadConfig({ METRICS_TOKEN: 'hunter2' })).toThrow('METRICS_TOKEN');
    expect(() => loadConfig({ METRICS_TOKEN: 'hunter2' })).not.toThrow('hunter2');
  });

  it('reads the metrics settings: off by default, a token, a port', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, port: undefined });
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-token', METRICS_PORT: '9464' }).metrics).toEqual({ token: 'a-long-enough-token', port: 9464 });
  });

  it.each([
    ['DATABASE_URL', 'mysql://darkroom:hunter2@db.internal:3306/photos', 'mysql://***@db.internal:3306/photos'],
    ['DATABASE_URL', 'postgres//darkroom:hunter2@db.internal/photos', '***@db.internal/photos'],
    ['REDIS_URL', 'http://default:hunter2@cache.internal:6379', 'http://***@cache.internal:6379'],
    ['REDIS_URL', 'redis//:hunter2@cache.internal:6379', '***@cache.internal:6379'],
    ['S3_ENDPOINT', 'https://minio:hunter2@s3.internal:99999', 'https://***@s3.internal:99999'],
    ['S3_ENDPOINT', '//minio:hunter2@s3.internal', '***@s3.internal'],
    // Not a URL scheme at all: refused (it would otherwise pass as an "absolute URL").
    ['S3_ENDPOINT', 'minio:hunter2@s3.internal:9000', '***@s3.internal:9000'],
    // A password holding "@" or "/" still stays hidden.
    ['S3_ENDPOINT', 'https://minio:hun/ter@2@s3 internal', 'https://***@s3 internal'],
  ])('masks the credentials of %s in its message', (name, value, shown) => {
    const message = (() => {
      try {
        loadConfig({ [name]: value, ...(name === 'S3_ENDPOINT' ? { STORAGE_DRIVER: 's3', S3_BUCKET: 'photos' } : {}) });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    })();
    expect(message).toContain(name);
    expect(message).not.toContain('hunter2');
    expect(message).toContain(`(got "${shown}")`);
  });

  it('masks credentials in any text it is given, and leaves other text alone', () => {
    expect(maskUrlCredentials('connect to postgres://u:hunter2@db:5432/x failed; retry redis://:pw@r:6379')).toBe(
      'connect to postgres://***@db:5432/x failed; retry redis://***@r:6379',
    );
    expect(maskUrlCredentials('owner@example.com at https://photos.example.com/a')).toBe('owner@example.com at https://photos.example.com/a');
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
