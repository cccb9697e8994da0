import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorLines, runToExit } from '../testing/processes';

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('a short DATA_DIR/auth-secret', () => {
  it('npm run worker refuses to start, naming the file and how to fix it', { timeout: 180_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-short-secret-'));
    dirs.push(dataDir);
    const file = path.join(dataDir, 'auth-secret');
    fs.writeFileSync(file, 'abc\n', { mode: 0o600 });
    const run = await runToExit('server/boot/worker.ts', { DATA_DIR: dataDir, PREPROCESS_CONCURRENCY: '0', PREPROCESS_TICKER_ENABLED: 'false' });
    expect(run.code, run.stderr).not.toBe(0);
    const refusal = errorLines(run).find((line) => line.includes(file));
    expect(refusal, `${run.stdout}\n${run.stderr}`).toContain('at least 32 characters');
    expect(refusal).toContain('BETTER_AUTH_SECRET');
    expect(run.lines.some((l) => l.msg === 'worker started')).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('abc\n');
  });
});
