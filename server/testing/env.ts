import os from 'node:os';

/** Where the tests find the real services; defaults are the local ones from DEVELOPERS.md. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The minimum a child process needs from the test runner: nothing else of its environment leaks into the child's config. */
export function childBaseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), TMPDIR: os.tmpdir() };
}
