/*
 * Time to first thumbnail: one `npm start` production server (server/boot/main.ts, embedded
 * database, default settings and LOG_LEVEL), a 24 MP JPEG uploaded to it at a time, then polled
 * until the smallest variant's URL answers 200 (first thumbnail) and until the image is `ready`.
 * Before this order existed the smallest variant was published with all the others, at `ready`:
 * so "ready" is the baseline, measured on the same uploads in the same run.
 */
import { ensureNextBuild, freePorts, HOST } from '../api/servers';
import { makeTempDir, ProcessGroup, sleep, TSX_CLI } from '../lib/process';
import { percentile } from '../lib/stats';
import type { Photo } from './photos';

const OWNER = { email: 'owner@example.com', password: 'owner-password-0123' };
const STARTUP_TIMEOUT_MS = 180_000;
const PHOTO_TIMEOUT_MS = 5 * 60_000;
export const TTFT_POLL_MS = 20;
export const TTFT_TARGET_MS = 1000;

export interface FirstThumbnailRun {
  /** Per photo: ms from the upload's 202 to the smallest variant answering 200, and to `ready`. */
  photos: { name: string; uploadMs: number; firstThumbnailMs: number; readyMs: number; thumbnailWidth: number }[];
  serverReadyMs: number;
}

interface AdminImage {
  status: string;
  lastError: string | null;
  variants: { width: number; url: string }[];
}

let server: ProcessGroup | undefined;

export async function stopFirstThumbnailServer(): Promise<void> {
  await server?.stop();
  server = undefined;
}

const serverOutput = (p: ProcessGroup) => `--- server stderr (tail) ---\n${p.stderr.toString()}\n--- stdout (tail) ---\n${p.stdout.toString()}`;

async function waitHealthy(p: ProcessGroup, base: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < STARTUP_TIMEOUT_MS) {
    if (p.exit) throw new Error(`the production server exited (code ${p.exit.code}) before answering\n${serverOutput(p)}`);
    const ok = await fetch(`${base}/api/v1/health`).then((r) => r.status === 200, () => false);
    if (ok) return Date.now() - started;
    await sleep(200);
  }
  throw new Error(`the production server did not answer within ${STARTUP_TIMEOUT_MS / 1000} s\n${serverOutput(p)}`);
}

/** Uploads each photo to a fresh production server, one at a time on an otherwise idle server. */
export async function runFirstThumbnail(photos: Photo[], warmups: Photo[]): Promise<FirstThumbnailRun> {
  ensureNextBuild();
  const [port] = await freePorts(1);
  const base = `http://${HOST}:${port}`;
  const dataDir = makeTempDir('darkroom-bench-first-thumbnail-');
  // What a user runs: `npm start` defaults, only the port, data dir and headless owner set.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    REDIS_URL: '',
    LOG_LEVEL: '',
    PREPROCESS_CONCURRENCY: '',
    BETTER_AUTH_URL: base,
    CACHE_MODE: '',
    STORAGE_DRIVER: '',
    S3_BUCKET: '',
    DARKROOM_REPLICAS: '',
    METRICS_PORT: '',
    ADMIN_EMAIL: OWNER.email,
    ADMIN_PASSWORD: OWNER.password,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  server = new ProcessGroup([TSX_CLI, 'server/boot/main.ts'], env);
  const p = server;
  const serverReadyMs = await waitHealthy(p, base);

  const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify(OWNER),
  });
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const headers = { cookie, origin: base };

  const measure = async (photo: Photo) => {
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(photo.data)], { type: 'image/jpeg' }), photo.name);
    const sent = performance.now();
    const res = await fetch(`${base}/api/v1/admin/images`, { method: 'POST', body: form, headers });
    if (res.status !== 202) throw new Error(`upload of ${photo.name} answered ${res.status}: ${await res.text()}`);
    const id = ((await res.json()) as { items: { id: string }[] }).items[0]?.id;
    if (!id) throw new Error(`upload of ${photo.name} returned no image`);
    const uploaded = performance.now();
    let firstThumbnailMs: number | undefined;
    let thumbnailWidth = 0;
    while (performance.now() - uploaded < PHOTO_TIMEOUT_MS) {
      if (p.exit) throw new Error(`the production server exited while developing ${photo.name}\n${serverOutput(p)}`);
      const image = (await (await fetch(`${base}/api/v1/admin/images/${id}`, { headers })).json()) as AdminImage;
      if (image.status === 'failed') throw new Error(`${photo.name} failed to develop: ${image.lastError ?? 'no error recorded'}`);
      const smallest = [...image.variants].sort((a, b) => a.width - b.width)[0];
      if (firstThumbnailMs === undefined && smallest) {
        const file = await fetch(`${base}${smallest.url}`, { headers });
        await file.arrayBuffer();
        if (file.status === 200) {
          firstThumbnailMs = performance.now() - uploaded;
          thumbnailWidth = smallest.width;
        }
      }
      if (image.status === 'ready' && firstThumbnailMs !== undefined) {
        return { name: photo.name, uploadMs: uploaded - sent, firstThumbnailMs, readyMs: performance.now() - uploaded, thumbnailWidth };
      }
      await sleep(TTFT_POLL_MS);
    }
    throw new Error(`${photo.name} not ready after ${PHOTO_TIMEOUT_MS / 60_000} min\n${serverOutput(p)}`);
  };

  for (const photo of warmups) await measure(photo);
  const results = [];
  for (const photo of photos) results.push(await measure(photo));
  await stopFirstThumbnailServer();
  return { photos: results, serverReadyMs };
}

export function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}
