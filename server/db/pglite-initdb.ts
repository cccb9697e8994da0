/*
 * A new embedded database is created (initdb) in a short-lived child process. PGlite runs
 * initdb in a second WebAssembly instance, and the memory it touched stays resident in the
 * process that ran it (~130 MB measured): in a child it is returned when the child exits.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Runs in the child: opening PGlite on an empty directory runs initdb there, closing flushes it.
const SCRIPT = `
const [pglite, nodefs, dir, params] = process.argv.slice(1);
const { PGlite } = await import(pglite);
const { NodeFS } = await import(nodefs);
const db = new PGlite({ fs: new NodeFS(dir), startParams: JSON.parse(params) });
await db.waitReady;
await db.close();
`;

/** Emscripten creates files 0666 whatever the umask: owner-only, as PrivateNodeFS keeps them afterwards. */
function ownerOnly(dir: string): void {
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) ownerOnly(file);
    else fs.chmodSync(file, 0o600);
  }
}

/** Creates the database in `dir` unless one is there already (PG_VERSION). */
export async function initPgliteDir(dir: string, startParams: string[]): Promise<void> {
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Next's bundle (next start, Vercel) has no import.meta.resolve and rejects require.resolve of a
  // variable: there the child resolves the package itself, from the working directory, which
  // next start requires to be the app's own (it serves ./.next).
  const resolve = (specifier: string) => (typeof import.meta.resolve === 'function' ? import.meta.resolve(specifier) : specifier);
  const args = [resolve('@electric-sql/pglite'), resolve('@electric-sql/pglite/nodefs'), dir, JSON.stringify(startParams)];
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`could not create the embedded database in ${dir} (exit ${code}): ${stderr.trim()}`);
  ownerOnly(dir);
}
