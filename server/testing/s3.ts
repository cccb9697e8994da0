import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { childBaseEnv } from './env';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** Ready for createS3Storage: path-style, s3rver's default credentials. */
  config: Config['storage']['s3'];
  /** s3rver's data directory (tests back-date multipart uploads there). */
  directory: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/** The s3rver 3.x options used here (the package ships no types). */
interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}

const BUCKET = 'darkroom-test';
/** s3rver's built-in key pair; it verifies request signatures made with it. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * The child's script (s3rver plus the multipart calls it lacks). s3rver is CommonJS, but it has
 * to live in its own process: its ListObjectsV2 continuation tokens are DES-encrypted, and
 * OpenSSL 3 only offers DES with --openssl-legacy-provider, so in-process every truncated
 * listing (more than 1000 keys) answers 500.
 */
const CHILD = fileURLToPath(new URL('./s3rver-child.cjs', import.meta.url));

/** A fake S3 (s3rver) on a free loopback port with one empty bucket and a throwaway data directory. */
export async function startS3rver(): Promise<TestS3> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'darkroom-s3rver-'));
  const options: S3rverOptions = { address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] };
  // No loaders or flags of the test runner in the child (NODE_OPTIONS is not passed on).
  const args = ['--openssl-legacy-provider', CHILD, createRequire(import.meta.url).resolve('s3rver'), JSON.stringify(options)];
  const child = spawn(process.execPath, args, { env: { ...childBaseEnv(), NODE_ENV: 'test' }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 15 s')), 15_000);
      child.once('error', (error) => reject(error));
      child.once('exit', (code, signal) => reject(new Error(`exited with ${signal ?? code}`)));
      child.once('message', (message: unknown) => {
        clearTimeout(timer);
        const candidate = (message as { port?: unknown } | null)?.port;
        if (typeof candidate === 'number') resolve(candidate);
        else reject(new Error(`unexpected message ${JSON.stringify(message)}`));
      });
    });
  } catch (error) {
    await stopChild(child);
    await fs.rm(directory, { recursive: true, force: true });
    throw new Error(`s3rver could not start (${(error as Error).message})${stderr ? `:\n${stderr}` : ''}`, { cause: error });
  }
  child.removeAllListeners('exit');

  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket: BUCKET,
    directory,
    config: { endpoint, bucket: BUCKET, region: 'us-east-1', ...CREDENTIALS, forcePathStyle: true },
    async stop() {
      try {
        await stopChild(child);
      } finally {
        await fs.rm(directory, { recursive: true, force: true });
      }
    },
  };
}

/** Disconnecting asks the child to close the server and exit; SIGKILL if it has not after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.disconnect();
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The variables that point a Darkroom process at this bucket. */
export function s3Env(s3: TestS3): Record<string, string> {
  return {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_REGION: s3.config.region,
    S3_ACCESS_KEY_ID: s3.config.accessKeyId ?? '',
    S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey ?? '',
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/** Every S3 key of the bucket, sorted. */
export async function listBucket(s3: TestS3): Promise<string[]> {
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.config.region, forcePathStyle: true, credentials: { accessKeyId: s3.config.accessKeyId ?? '', secretAccessKey: s3.config.secretAccessKey ?? '' } });
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return keys.sort();
}
