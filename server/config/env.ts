import os from 'node:os';
import { envSchema, toConfig } from './env-schema';

export { AUTH_SECRET_MIN_LENGTH, cacheModes } from './env-schema';
import pkg from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Config = ReturnType<typeof toConfig>;

/** The name of every variable Darkroom reads as configuration (deployment files are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** Host-provided variables that say "there are (or may be) several of me" (DESIGN.md "Replica guard"). */
const PLATFORM_VARIABLES: Record<string, string> = {
  FLY_MACHINE_ID: 'Fly.io',
  FLY_APP_NAME: 'Fly.io',
  RAILWAY_REPLICA_ID: 'Railway',
  RENDER_INSTANCE_ID: 'Render',
  K_SERVICE: 'Cloud Run / Knative',
  VERCEL: 'Vercel',
  DYNO: 'Heroku',
  ECS_CONTAINER_METADATA_URI_V4: 'AWS ECS',
};

function platformSignals(env: Record<string, string | undefined>): string[] {
  const signals = Object.entries(PLATFORM_VARIABLES)
    .filter(([name]) => env[name])
    .map(([name, platform]) => `${name} is set (${platform})`);
  const replicas = Number(env.DARKROOM_REPLICAS);
  if (replicas > 1) signals.unshift(`DARKROOM_REPLICAS=${replicas}`);
  // A StatefulSet pod is named <set>-<ordinal>; only trusted inside Kubernetes.
  const hostname = env.HOSTNAME ?? os.hostname();
  if (env.KUBERNETES_SERVICE_HOST && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?-\d+$/.test(hostname)) signals.push(`hostname ${hostname} is a StatefulSet ordinal`);
  return signals;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A configured URL as it may be shown: everything between the scheme and its last "@" (user, password) masked. */
export function maskUrl(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  return `${SCHEME.exec(value)?.[0] ?? ''}***${value.slice(at)}`;
}

/** Masks the user info of every `scheme://user:password@` in a free text (an error message, a log line). */
export function maskUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, '$1***@');
}

/** What a config error may echo of a value: never a secret, never a URL's credentials. */
function shown(name: string, value: string): string {
  if (/SECRET|PASSWORD|KEY|TOKEN/.test(name)) return '';
  return ` (got "${/_URL$|_ENDPOINT$/.test(name) || value.includes('://') ? maskUrl(value) : value}")`;
}

/**
 * Validates the environment once. Empty strings count as unset, so `FOO=` in an
 * env file behaves like leaving FOO out.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const value = issue.path[0] === undefined ? undefined : cleaned[name];
      return `  ${name}: ${issue.message}${value === undefined ? '' : shown(name, value)}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data, platformSignals(cleaned));
}

/** Next refuses to serve a production build under another NODE_ENV; the entry calls this first. */
export function defaultToProductionEnv(): void {
  const env = process.env as Record<string, string | undefined>;
  env.NODE_ENV ??= 'production';
}
