import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuthSecret } from './secret';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-secret-'));
  dirs.push(dir);
  return dir;
};

describe('resolveAuthSecret', () => {
  it('uses BETTER_AUTH_SECRET when set and writes nothing', () => {
    const dir = tempDir();
    expect(resolveAuthSecret('x'.repeat(40), dir)).toEqual({ value: 'x'.repeat(40), generated: false });
    expect(fs.existsSync(path.join(dir, 'auth-secret'))).toBe(false);
  });

  it('generates a secret once, keeps it private, and reuses it after a restart', () => {
    const dir = tempDir();
    const first = resolveAuthSecret(undefined, dir);
    expect(first.generated).toBe(true);
    expect(first.value.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dir, 'auth-secret')).mode & 0o777).toBe(0o600);
    expect(resolveAuthSecret(undefined, dir).value).toBe(first.value);
  });
});
