import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config';
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

  it.each([
    ['a short secret', 'abc\n'],
    ['an empty file', ''],
    ['31 characters', `${'x'.repeat(31)}\n`],
  ])('refuses %s in DATA_DIR/auth-secret, naming the file and both ways out, and keeps the file', (_, content) => {
    const dir = tempDir();
    const file = path.join(dir, 'auth-secret');
    fs.writeFileSync(file, content);
    expect(() => resolveAuthSecret(undefined, dir)).toThrow(ConfigError);
    const message = (() => {
      try {
        resolveAuthSecret(undefined, dir);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain(file);
    expect(message).toContain('at least 32 characters');
    expect(message).toContain('Delete');
    expect(message).toContain('signs everyone out');
    expect(message).toContain('BETTER_AUTH_SECRET');
    expect(message).not.toContain('abc');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });

  it('does not read the file when BETTER_AUTH_SECRET is set', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'auth-secret'), 'abc\n');
    expect(resolveAuthSecret('y'.repeat(32), dir)).toEqual({ value: 'y'.repeat(32), generated: false });
  });
});
