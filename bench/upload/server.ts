/* The server the upload benches send to: a production server (`npm start`) on PGlite. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePorts, HOST } from '../api/servers';
import { makeTempDir, ProcessGroup, sleep, TSX_CLI } from '../lib/process';

const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };
const STARTUP_TIMEOUT_MS = 180_000;

export interface Server {
  base: string;
  proc: ProcessGroup;
  cookie: string;
}

/** `npm start`'s server on PGlite with an owner signed in; developing off, so only receiving is measured. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<Server> {
  const [port] = await freePorts(1);
  if (!port) throw new Error('no free port');
  const { DATABASE_URL: _db, REDIS_URL: _redis, CACHE_MODE: _mode, LOG_LEVEL: _level, UPLOAD_CHUNK_BYTES: _chunk, ...inherited } = process.env;
  const base = `http://${HOST}:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: 'production',
    DATA_DIR: makeTempDir('darkroom-bench-upload-server-'),
    PORT: String(port),
    HOST,
    BETTER_AUTH_URL: base,
    NEXT_TELEMETRY_DISABLED: '1',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // Receiving is measured, not developing: 2 × 1 GiB of photos would be developed meanwhile.
    PREPROCESS_CONCURRENCY: '0',
    PREPROCESS_TICKER_ENABLED: 'false',
    UPLOAD_RATE_LIMIT_PER_MINUTE: '100000',
    ...extraEnv,
  };
  const proc = new ProcessGroup([TSX_CLI, 'server/boot/main.ts'], env);
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (proc.exit || Date.now() > deadline) throw new Error(`the server did not start\n${proc.stderr.toString()}\n${proc.stdout.toString()}`);
    const ok = await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(250);
  }
  const signIn = await fetch(`${base}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(ADMIN) });
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { base, proc, cookie };
}

const exec = promisify(execFile);

/** The RSS of the largest process in the server's group (the server; tsx's parent is small). */
export async function serverRss(proc: ProcessGroup): Promise<number> {
  if (proc.child.pid === undefined) return 0;
  const { stdout } = await exec('ps', ['-o', 'rss=', '-g', String(proc.child.pid)]).catch(() => ({ stdout: '' }));
  return Math.max(0, ...stdout.split('\n').map((l) => Number(l.trim()) * 1024).filter(Number.isFinite));
}

export function sampleRss(proc: ProcessGroup, everyMs: number) {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await serverRss(proc));
      await sleep(everyMs);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return samples;
  };
}

