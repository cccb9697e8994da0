import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AuthSecret {
  value: string;
  /** True when Darkroom generated it; a generated secret cannot be shared by replicas. */
  generated: boolean;
}

/** BETTER_AUTH_SECRET, or a secret generated once and kept in DATA_DIR/auth-secret (mode 0600). */
export function resolveAuthSecret(configured: string | undefined, dataDir: string): AuthSecret {
  if (configured) return { value: configured, generated: false };
  const file = path.join(dataDir, 'auth-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return { value: existing, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const value = crypto.randomBytes(32).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${value}\n`, { mode: 0o600 });
  // Link, not rename: if another process won the race, keep its secret.
  try {
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { value: fs.readFileSync(file, 'utf8').trim(), generated: true };
}
