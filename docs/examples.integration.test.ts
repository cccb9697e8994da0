import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocBlock, docBlocks } from '../server/testing/doc-examples';
import { childBaseEnv } from '../server/testing/env';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../server/testing/next-build';
import { makeJpeg } from '../server/testing/photos';
import { type ServerProcess, startServerProcess } from '../server/testing/processes';
import { freePort } from '../server/testing/redis';

/*
 * Every example in docs/*.md, run as a reader would paste it: each document's ```sh blocks
 * in order, in one bash (set -euo pipefail) with its own working directory holding the
 * photos the examples upload, against a production server started for this test. Blocks
 * that cannot run here say so (<!-- not run: why -->); an unmarked block fails the test.
 */

const DOCS = fileURLToPath(new URL('.', import.meta.url));
const files = fs
  .readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .sort();
const parsed = files.map((f) => docBlocks(`docs/${f}`, fs.readFileSync(path.join(DOCS, f), 'utf8')));
const runnable = (file: string) => parsed.flatMap((p) => p.blocks).filter((b) => b.file === `docs/${file}` && b.notRun === undefined);

/** The reader's shell: what the docs tell them to set, nothing of the test runner's. */
const ACCOUNT = { ADMIN_EMAIL: 'owner@example.com', ADMIN_PASSWORD: 'docs-example-password' };
/** The queue driver's secrets, for the tick examples (POST with the tick secret, GET as Vercel Cron), and the metrics token. */
const SECRETS = {
  PREPROCESS_TICK_SECRET: 'docs-example-tick-secret-4d1f7a2c',
  CRON_SECRET: 'docs-example-cron-secret-9b3e51d0',
  METRICS_TOKEN: 'docs-example-metrics-token-5e8a03b7',
};
/** The photos the examples upload, as a camera would name them. */
const PHOTOS = [
  { name: 'IMG_0042.jpg', width: 1200, height: 800, seed: 4200 },
  { name: 'IMG_0043.jpg', width: 900, height: 600, seed: 4300 },
];
const DOC_TIMEOUT_MS = 180_000;

interface Outcome {
  completed: number;
  exit: number | string;
  outputs: string[];
}

/** One bash for the document: a line after each block marks it done, so a failure names its block. */
async function runInOrder(blocks: DocBlock[], cwd: string, env: Record<string, string>): Promise<Outcome> {
  const done = (i: number) => `__docs_example_${i}_done__`;
  const script = ['exec 2>&1', 'set -euo pipefail', ...blocks.flatMap((b, i) => [`# ${b.file}:${b.line}`, b.code, `printf '\\n%s\\n' ${done(i)}`])].join('\n');
  fs.writeFileSync(path.join(cwd, 'examples.sh'), `${script}\n`);
  // Its own process group, so a hung example is stopped with everything it started.
  const child = spawn('bash', ['examples.sh'], { cwd, env: { NODE_ENV: 'production', ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), DOC_TIMEOUT_MS);
  const exit = await new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  clearTimeout(timer);
  // Block i's output runs up to its done line; after the last one found comes the failed block's.
  const outputs: string[] = [];
  let rest = output;
  for (let i = 0; i < blocks.length && rest.includes(done(i)); i++) {
    const at = rest.indexOf(done(i));
    outputs.push(rest.slice(0, at).trim());
    rest = rest.slice(at + done(i).length);
  }
  const completed = outputs.length;
  outputs.push(rest.trim());
  return { completed, exit, outputs };
}

describe('the examples in docs/', () => {
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    const missing = ['bash', 'curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
    if (missing.length) throw new Error(`the docs examples need ${missing.join(', ')}; install with: apt-get install -y ${missing.join(' ')}`);
    await ensureNextBuild();
    const port = await freePort();
    server = await startServerProcess(
      { BETTER_AUTH_URL: `http://127.0.0.1:${port}`, ...ACCOUNT, ...SECRETS, NEXT_TELEMETRY_DISABLED: '1' },
      { port, startTimeoutMs: 180_000 },
    );
  }, NEXT_BUILD_TIMEOUT_MS + 240_000);
  afterAll(() => server?.stop(), 30_000);

  it('every code block is a runnable ```sh example or says why it is not run', () => {
    expect(parsed.flatMap((p) => p.problems)).toEqual([]);
    expect(runnable('api.md').length).toBeGreaterThan(5);
  });

  it.each(files)('docs/%s: its examples run in order and each exits 0', async (file) => {
    if (!server) throw new Error('the server did not start');
    const blocks = runnable(file);
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-docs-'));
    try {
      for (const photo of PHOTOS) fs.writeFileSync(path.join(cwd, photo.name), await makeJpeg(photo));
      const env = { ...childBaseEnv(), HOME: cwd, DARKROOM_URL: server.url, ...ACCOUNT, ...SECRETS };
      const outcome = await runInOrder(blocks, cwd, env);
      const failed = blocks[outcome.completed];
      if (failed) {
        throw new Error(
          `${failed.file}:${failed.line} failed (exit ${outcome.exit}):\n${failed.code}\n--- its output ---\n${(outcome.outputs[outcome.completed] ?? '').slice(-3000)}\n${server.output().slice(-3000)}`,
        );
      }
      expect(outcome.completed).toBe(blocks.length);
      expect(outcome.exit).toBe(0);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 600_000);

  it('the photos uploaded by the docs/api.md examples are in the public album, developed', async () => {
    if (!server) throw new Error('the server did not start');
    const res = await fetch(`${server.url}/api/v1/albums/summer-2024`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { images: { items: { id: string; width: number; height: number; variants: { url: string; format: string }[] }[] } };
    const shown = page.images.items.map((i) => `${i.width}×${i.height}`).sort();
    expect(shown).toEqual(PHOTOS.map((p) => `${p.width}×${p.height}`).sort());
    const variant = page.images.items[0]?.variants[0];
    if (!variant) throw new Error('a variant expected');
    const bytes = await fetch(`${server.url}${variant.url}`);
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get('content-type')).toBe(`image/${variant.format}`);
  });
});
