import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAuthSecret } from '../auth/secret';
import { ConfigError, loadConfig } from '../config';
import type { Database } from '../db';
import { BYPASS, checkReplicaGuard, ReplicaGuardError } from '.';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-guard-unit-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Every component replaced by its multi-instance-safe counterpart. */
const SAFE = {
  DATA_DIR: dataDir,
  DATABASE_URL: 'postgres://darkroom@db.internal:5432/darkroom',
  REDIS_URL: 'redis://cache.internal:6379',
  CACHE_MODE: 'strict',
  STORAGE_SHARED: 'true',
  BETTER_AUTH_SECRET: 'a-shared-secret-a-shared-secret-0123456789',
};

const SIGNALS = [
  ['DARKROOM_REPLICAS=3', { DARKROOM_REPLICAS: '3' }, 'DARKROOM_REPLICAS=3'],
  ['FLY_MACHINE_ID', { FLY_MACHINE_ID: '3d8d9e1b2c4e87' }, 'FLY_MACHINE_ID is set (Fly.io)'],
  ['K_SERVICE', { K_SERVICE: 'darkroom' }, 'K_SERVICE is set (Cloud Run / Knative)'],
  ['VERCEL', { VERCEL: '1' }, 'VERCEL is set (Vercel)'],
  ['a StatefulSet hostname in Kubernetes', { HOSTNAME: 'darkroom-2', KUBERNETES_SERVICE_HOST: '10.96.0.1' }, 'hostname darkroom-2 is a StatefulSet ordinal'],
] as const;

/** Each single-instance-only component on its own, the rest multi-instance-safe. */
const COMPONENTS = [
  ['no DATABASE_URL (embedded PGlite)', { DATABASE_URL: undefined }, 'embedded PGlite database'],
  ['CACHE_MODE=local', { CACHE_MODE: 'local' }, 'CACHE_MODE=local'],
  ['local storage not declared shared', { STORAGE_SHARED: undefined }, 'local storage not declared shared'],
  ['a generated auth secret', { BETTER_AUTH_SECRET: undefined }, 'a generated auth secret'],
] as const;

/** The database the guard scans for other live workers: answers with `rows`, or fails with `error`. */
function fakeDb(answer: { rows?: { id: string }[]; error?: Error } = {}) {
  const queries: unknown[] = [];
  const db = {
    execute: (query: unknown) => {
      queries.push(query);
      return answer.error ? Promise.reject(answer.error) : Promise.resolve(answer.rows ?? []);
    },
  } as unknown as Database;
  return { db, queries };
}

/** The guard as createServices runs it: config from `env`, the auth secret resolved in DATA_DIR. */
function guard(env: Record<string, string | undefined>, db = fakeDb().db) {
  const config = loadConfig(env);
  const secret = resolveAuthSecret(config.auth.secret, config.dataDir);
  return checkReplicaGuard({ config, authSecretGenerated: secret.generated, db, workerId: 'this-worker-0001' });
}

async function refusal(promise: Promise<unknown>): Promise<ReplicaGuardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReplicaGuardError);
  return error as ReplicaGuardError;
}

describe('replica guard: a multi-instance signal with a single-instance component refuses', () => {
  const cases = SIGNALS.flatMap(([signal, signalEnv, signalText]) =>
    COMPONENTS.map(([component, componentEnv, componentText]) => ({ signal, component, env: { ...SAFE, ...signalEnv, ...componentEnv }, signalText, componentText })),
  );

  it.each(cases)('$signal + $component', async ({ env, signalText, componentText }) => {
    const error = await refusal(guard(env));
    expect(error.message).toContain('multi-instance deploy detected');
    expect(error.message).toContain(signalText);
    expect(error.message).toContain(componentText);
    expect(error.message).toContain('DARKROOM_SINGLE_INSTANCE=1');
  });

  it('names every offending component at once', async () => {
    const error = await refusal(guard({ DATA_DIR: dataDir, FLY_APP_NAME: 'darkroom' }));
    for (const [, , text] of COMPONENTS) expect(error.message).toContain(text);
    expect(error.message).toContain('FLY_APP_NAME is set (Fly.io)');
    expect(BYPASS).toBe('DARKROOM_SINGLE_INSTANCE=1');
  });

  it('counts another live worker in the shared database as a signal', async () => {
    const { db, queries } = fakeDb({ rows: [{ id: 'other-replica-1' }, { id: 'other-replica-2' }] });
    const error = await refusal(guard({ ...SAFE, CACHE_MODE: 'local' }, db));
    expect(error.message).toContain('another live worker in the shared database (other-replica-1, other-replica-2)');
    expect(error.message).toContain('CACHE_MODE=local');
    expect(queries).toHaveLength(1);
  });

  it('fails closed when the database cannot answer the live-worker question', async () => {
    const { db } = fakeDb({ error: new Error('connect ECONNREFUSED 127.0.0.1:5432') });
    await expect(guard({ ...SAFE, CACHE_MODE: 'local' }, db)).rejects.toThrow('ECONNREFUSED');
  });
});

describe('replica guard: starts', () => {
  it('with the bypass DARKROOM_SINGLE_INSTANCE=1, whatever the signals and components', async () => {
    const { db, queries } = fakeDb({ rows: [{ id: 'other-replica-1' }] });
    const env = { DATA_DIR: dataDir, DARKROOM_REPLICAS: '3', VERCEL: '1', DARKROOM_SINGLE_INSTANCE: '1' };
    await expect(guard(env, db)).resolves.toBeDefined();
    expect(queries).toHaveLength(0);
  });

  it.each(['true', 'yes', '2', 'on'])('but a bypass value of %j is a config error naming the variable', (value) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, DARKROOM_SINGLE_INSTANCE: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, DARKROOM_SINGLE_INSTANCE: value })).toThrow(/DARKROOM_SINGLE_INSTANCE: must be exactly 1/);
  });

  it('with DARKROOM_SINGLE_INSTANCE=0 the check still runs', async () => {
    await refusal(guard({ DATA_DIR: dataDir, DARKROOM_REPLICAS: '2', DARKROOM_SINGLE_INSTANCE: '0' }));
  });

  it('with no signal, on every single-instance component (the zero-setup default)', async () => {
    const { db, queries } = fakeDb();
    await expect(guard({ DATA_DIR: dataDir }, db)).resolves.toMatchObject({ signals: [] });
    expect(queries).toHaveLength(1);
  });

  it.each([
    ['DARKROOM_REPLICAS=1', { DARKROOM_REPLICAS: '1' }],
    ['an ordinal hostname outside Kubernetes', { HOSTNAME: 'darkroom-2' }],
    ['a non-ordinal hostname inside Kubernetes', { HOSTNAME: 'darkroom-7f9c8d6b5-x2x9q', KUBERNETES_SERVICE_HOST: '10.96.0.1' }],
  ])('with %s, which is no signal', async (_label, env) => {
    await expect(guard({ DATA_DIR: dataDir, ...env })).resolves.toMatchObject({ signals: [] });
  });

  it.each([
    ['shared local storage', { STORAGE_SHARED: 'true' }],
    ['S3 storage', { STORAGE_SHARED: undefined, STORAGE_DRIVER: 's3', S3_BUCKET: 'darkroom-photos', S3_ENDPOINT: 'https://s3.example.com' }],
  ])('when every component is multi-instance-safe (%s), signals or not', async (_label, storage) => {
    const { db, queries } = fakeDb({ rows: [{ id: 'other-replica-1' }] });
    const env = { ...SAFE, ...storage, DARKROOM_REPLICAS: '3', FLY_MACHINE_ID: 'm1', K_SERVICE: 'darkroom', VERCEL: '1', HOSTNAME: 'darkroom-2', KUBERNETES_SERVICE_HOST: '10.96.0.1' };
    await expect(guard(env, db)).resolves.toEqual({ signals: [], components: [] });
    // Nothing to protect, so the fleet is not even asked.
    expect(queries).toHaveLength(0);
  });

  it('before the first migration (no workers table yet), from either driver', async () => {
    const pgError = new Error('relation "workers" does not exist');
    const drizzleError = new Error('Failed query: select id from workers where …', { cause: pgError });
    for (const error of [pgError, drizzleError]) {
      await expect(guard({ ...SAFE, CACHE_MODE: 'local' }, fakeDb({ error }).db)).resolves.toMatchObject({ signals: [] });
    }
  });
});
