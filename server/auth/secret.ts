import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AUTH_SECRET_MIN_LENGTH, ConfigError } from '../config';
import { writeFileOnce } from '../data-dir/write-once';

export interface AuthSecret {
  value: string;
  /** True when Darkroom generated it; a generated secret cannot be shared by replicas. */
  generated: boolean;
}

/** The kept secret, or undefined when there is none yet; a short one is refused, never used nor replaced. */
function readKept(file: string): string | undefined {
  let kept: string;
  try {
    kept = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (kept.length >= AUTH_SECRET_MIN_LENGTH) return kept;
  throw new ConfigError(
    `The session signing secret in ${file} has ${kept.length} characters; it needs at least ${AUTH_SECRET_MIN_LENGTH} characters. ` +
      `Delete ${file} and Darkroom generates a new one at the next start (this signs everyone out), ` +
      `or set BETTER_AUTH_SECRET to ${AUTH_SECRET_MIN_LENGTH} or more random characters (e.g. openssl rand -base64 32).`,
  );
}

/** BETTER_AUTH_SECRET, or a secret generated once and kept in DATA_DIR/auth-secret (mode 0600). */
export function resolveAuthSecret(configured: string | undefined, dataDir: string): AuthSecret {
  if (configured) return { value: configured, generated: false };
  const file = path.join(dataDir, 'auth-secret');
  const kept = readKept(file);
  if (kept) return { value: kept, generated: true };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // If another process won the race to create it, its secret is the one kept.
  writeFileOnce(file, `${crypto.randomBytes(32).toString('base64url')}\n`);
  const winner = readKept(file);
  if (!winner) throw new Error(`${file} vanished while it was being created`);
  return { value: winner, generated: true };
}
