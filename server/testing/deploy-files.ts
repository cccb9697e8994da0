import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/*
 * The deployment files at the top of the repository (Dockerfile, compose.yaml, vercel.json)
 * read as Docker, Compose and Vercel read them, so tests can check them without a container
 * engine: Compose's variable interpolation and merge keys, Dockerfile stages and exec forms.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const readRepoFile = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

// ---- Compose ------------------------------------------------------------------------------

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`, `${NAME:+alt}`; `$$` is a literal `$`. */
const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export interface ComposeVariable {
  name: string;
  /** `:?`/`?`: Compose refuses to start without it. */
  required: boolean;
}

/** Every variable compose.yaml takes from the environment or `.env`. */
export function composeVariables(text: string): ComposeVariable[] {
  const found = new Map<string, ComposeVariable>();
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1] ?? match[4];
    if (!name) continue;
    const required = (match[2] ?? '').includes('?');
    found.set(name, { name, required: required || (found.get(name)?.required ?? false) });
  }
  return [...found.values()];
}

/** Compose's interpolation; a missing required variable throws with Compose's message. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare ?? '';
    const value = env[name];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('-')) return unset ? interpolate(arg ?? '', env) : (value ?? '');
    if (op?.endsWith('?')) {
      if (unset) throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
      return value ?? '';
    }
    if (op?.endsWith('+')) return unset ? '' : interpolate(arg ?? '', env);
    return value ?? '';
  });
}

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  configs?: { source: string; target: string }[];
  ports?: string[];
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  configs?: Record<string, { content?: string; file?: string }>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } } | null>;
  volumes?: Record<string, unknown>;
}

/** compose.yaml after interpolation with `env` (as `.env` would supply it) and merge keys. */
export function loadCompose(env: Record<string, string | undefined>, text = readRepoFile('compose.yaml')): ComposeFile {
  return parse(interpolate(text, env), { merge: true }) as ComposeFile;
}

/** The services that run Darkroom's own image (built from this repository). */
export function darkroomServices(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, service]) => service.build?.context === '.');
}

/** A service's environment as Darkroom would see it: every value a string. */
export function serviceEnv(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

// ---- Dockerfile ---------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name?: string;
  from: string;
  instructions: Instruction[];
}

/** Stages in order, with `ARG` defaults before the first FROM substituted into FROM lines. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ').trim() };
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = instruction.args.split('=');
      args[name] = value;
    } else if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(' ');
      const from = image.replace(/\$\{?(\w+)\}?/g, (_m, n: string) => args[n] ?? '');
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

export function stage(stages: Stage[], name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage "${name}"`);
  return found;
}

/** A stage's instructions including those of the stages it is built FROM. */
export function effectiveInstructions(stages: Stage[], target: Stage): Instruction[] {
  const parent = stages.find((s) => s.name && s.name === target.from);
  return [...(parent ? effectiveInstructions(stages, parent) : []), ...target.instructions];
}

/** The last value of an instruction as it applies to a stage (CMD, USER, HEALTHCHECK …). */
export function last(stages: Stage[], target: Stage, keyword: string): string | undefined {
  return effectiveInstructions(stages, target)
    .filter((i) => i.keyword === keyword)
    .at(-1)?.args;
}

/** `["node", "-e", "…"]` → its words; a shell form is refused (no shell in between PID 1 and node). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

// ---- README -------------------------------------------------------------------------------

/** The commands of the ```sh blocks under a README heading, `&&` chains split. */
export function readmeCommands(heading: string, readme = readRepoFile('README.md')): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    (m[1] ?? '')
      .split('\n')
      .flatMap((line) => line.split('&&'))
      .map((c) => c.trim())
      .filter(Boolean),
  );
}

/** `words` starts with the words of `command` (`npm ci --omit=dev` starts with `npm ci`). */
export const startsWithCommand = (words: string, command: string) => `${words} `.startsWith(`${command} `);

// ---- Load balancer, cron, Vercel ------------------------------------------------------------

/** The paths the Caddyfile names: its health check and the routes it treats specially. */
export function caddyPaths(caddyfile: string): { health: string[]; matched: string[] } {
  return {
    health: [...caddyfile.matchAll(/^\s*health_uri\s+(\S+)/gm)].map((m) => m[1] ?? ''),
    matched: [...caddyfile.matchAll(/^\s*reverse_proxy\s+(\/\S*)/gm)].map((m) => m[1] ?? ''),
  };
}

export interface CronRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
}

/** The curl call in a cron service's shell loop, with shell variables taken from `env`. */
export function curlRequest(script: string, env: Record<string, string>): CronRequest {
  const line = script.split('\n').find((l) => /^\s*curl\s/.test(l));
  if (!line) throw new Error('the cron script runs no curl');
  const expanded = line.replace(/\$\{?(\w+)\}?/g, (_m, n: string) => env[n] ?? '');
  const method = /\s-X\s+(\w+)/.exec(expanded)?.[1] ?? 'GET';
  const headers = Object.fromEntries(
    [...expanded.matchAll(/\s-H\s+"([^:"]+):\s*([^"]*)"/g)].map((m) => [(m[1] ?? '').toLowerCase(), m[2] ?? '']),
  );
  const url = /\s(https?:\/\/\S+)/.exec(expanded)?.[1];
  if (!url) throw new Error(`no URL in: ${line}`);
  return { method, url: new URL(url), headers };
}

export interface VercelJson {
  framework?: string;
  installCommand?: string;
  buildCommand?: string;
  functions?: Record<string, { maxDuration?: number }>;
  crons?: { path: string; schedule: string }[];
}

export const loadVercelJson = () => JSON.parse(readRepoFile('vercel.json')) as VercelJson;
