import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { CONFIG_VARIABLES, loadConfig } from '../config';
import { parseCidr } from '../config/cidr';
import { checkPlatformSignals, ReplicaGuardError, singleInstanceComponents } from '../replica-guard';
import { CHUNK_SLACK_BYTES } from '../uploads';
import {
  caddyPaths,
  composeVariables,
  curlRequest,
  darkroomServices,
  effectiveInstructions,
  execForm,
  last,
  loadCompose,
  loadVercelJson,
  parseDockerfile,
  readmeCommands,
  readRepoFile,
  ROOT,
  serviceEnv,
  stage,
  startsWithCommand,
} from '../testing/deploy-files';

/*
 * No container engine runs here, so the deployment files are checked by construction:
 * compose.yaml's Darkroom services get a configuration the real config parser and replica
 * guard accept, run real entry points, and the image is built with the README's steps.
 */

const composeText = readRepoFile('compose.yaml');
const variables = composeVariables(composeText);
/** What a user's `.env` supplies: a long placeholder for every required variable. */
const dotenv = Object.fromEntries(variables.filter((v) => v.required).map((v) => [v.name, `${v.name.toLowerCase()}-placeholder-0123456789abcdef`]));
const compose = loadCompose(dotenv);
const darkroom = darkroomServices(compose);
const replicas = darkroom.filter(([, service]) => !service.profiles?.length);
const dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const scripts: Record<string, string> = pkg.scripts;

/** The command a service runs: its own, or its image's CMD (the Dockerfile stage it builds). */
function commandOf(service: (typeof darkroom)[number][1]): string[] {
  if (service.command) return typeof service.command === 'string' ? service.command.split(' ') : service.command;
  const cmd = last(dockerfile, stage(dockerfile, service.build?.target ?? dockerfile.at(-1)?.name ?? ''), 'CMD');
  return execForm(cmd ?? '[]');
}

/** The package.json script (`npm start`, `npm run worker`) that runs the same compiled file, with the same flags. */
function scriptRunning(command: string[]): string | undefined {
  const file = command.at(-1) ?? '';
  if (command[0] !== 'node' || !file.startsWith('dist/server/')) return undefined;
  const script = `node server/boot/build-server.ts && MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-2} MALLOC_MMAP_THRESHOLD_=\${MALLOC_MMAP_THRESHOLD_:-1048576} exec ${command.join(' ')}`;
  return Object.keys(scripts).find((name) => scripts[name] === script);
}

/** The source file esbuild compiles to a dist/server/ entry (server/boot/build-server.ts). */
function sourceOf(compiled: string): string {
  return compiled.replace(/^dist\/server\/(\w+)\.js$/, 'server/boot/$1.ts');
}

const ipv4ToNumber = (address: string) => address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
function inSubnet(address: string, subnet: string): boolean {
  const cidr = parseCidr(subnet);
  if (!cidr || cidr.family !== 'ipv4' || net.isIPv4(address) === false) return false;
  const size = 2 ** (32 - cidr.prefix);
  return Math.floor(ipv4ToNumber(address) / size) === Math.floor(ipv4ToNumber(cidr.address) / size);
}

describe('compose.yaml', () => {
  it('takes every secret from .env, refuses to start without them, and documents every variable it reads', () => {
    const required = variables.filter((v) => v.required).map((v) => v.name);
    expect(required.sort()).toEqual(['BETTER_AUTH_SECRET', 'POSTGRES_PASSWORD', 'PREPROCESS_TICK_SECRET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']);
    expect(() => loadCompose({ ...dotenv, BETTER_AUTH_SECRET: '' })).toThrow(/BETTER_AUTH_SECRET/);
    const operations = readRepoFile('docs/operations.md');
    const start = operations.indexOf('\n## Containers\n');
    expect(start).toBeGreaterThan(0);
    const end = operations.indexOf('\n## ', start + 1);
    const containers = operations.slice(start, end < 0 ? undefined : end);
    for (const { name } of variables) expect(containers, `${name} is listed in docs/operations.md, Containers`).toContain(`\`${name}\``);
  });

  it('sets only real Darkroom config variables on the Darkroom services', () => {
    expect(darkroom.map(([name]) => name)).toEqual(['darkroom-1', 'darkroom-2', 'darkroom-3', 'darkroom-worker']);
    for (const [name, service] of darkroom) {
      const unknown = Object.keys(serviceEnv(service)).filter((key) => !CONFIG_VARIABLES.includes(key));
      expect(unknown, `${name} sets variables Darkroom does not read`).toEqual([]);
    }
  });

  it('gives every Darkroom service a configuration the config parser accepts and the replica guard passes for 3 replicas', () => {
    for (const [name, service] of darkroom) {
      const config = loadConfig(serviceEnv(service));
      expect(config.replicaGuard.platformSignals, name).toContain('DARKROOM_REPLICAS=3');
      expect(config.replicaGuard.bypass, name).toBe(false);
      expect(singleInstanceComponents(config, !config.auth.secret), name).toEqual([]);
      expect(() => checkPlatformSignals(config), name).not.toThrow();
      expect(config).toMatchObject({ cacheMode: 'strict', storage: { driver: 's3', s3: { forcePathStyle: true } } });
      expect(config.databaseUrl).toMatch(/@postgres:5432\//);
    }
    // The same check refuses a single-instance setting under that signal, so passing means something.
    const [, first] = replicas[0] ?? [];
    const local = loadConfig({ ...serviceEnv(first ?? {}), CACHE_MODE: 'local' });
    expect(() => checkPlatformSignals(local)).toThrow(ReplicaGuardError);
    expect(() => checkPlatformSignals(local)).toThrow(/multi-instance deploy detected/);
  });

  it('gives the replicas the same settings and each Darkroom service its own DATA_DIR volume', () => {
    expect(replicas).toHaveLength(3);
    const [first, ...others] = replicas.map(([, s]) => serviceEnv(s));
    for (const env of others) expect(env).toEqual(first);
    const volumes = darkroom.map(([name, service]) => {
      const dataDir = serviceEnv(service).DATA_DIR;
      const mount = service.volumes?.find((v) => v.endsWith(`:${dataDir}`));
      expect(mount, `${name} keeps DATA_DIR (${dataDir}) on a volume`).toBeDefined();
      const volume = mount?.split(':')[0] ?? '';
      expect(Object.keys(compose.volumes ?? {})).toContain(volume);
      return volume;
    });
    expect(new Set(volumes).size).toBe(darkroom.length);
  });

  it('runs a real entry point in every Darkroom service: the file npm start or npm run worker runs, without npm', () => {
    const run = Object.fromEntries(darkroom.map(([name, service]) => [name, scriptRunning(commandOf(service))]));
    expect(run).toEqual({ 'darkroom-1': 'start', 'darkroom-2': 'start', 'darkroom-3': 'start', 'darkroom-worker': 'worker' });
    for (const [, service] of darkroom) expect(fs.existsSync(path.join(ROOT, sourceOf(commandOf(service).at(-1) ?? '')))).toBe(true);
  });

  it('starts the replicas after healthy dependencies and gives SIGTERM time to hand back jobs', () => {
    for (const [name, service] of darkroom) {
      expect(service.depends_on, name).toEqual({
        postgres: { condition: 'service_healthy' },
        valkey: { condition: 'service_healthy' },
        's3-bucket': { condition: 'service_completed_successfully' },
      });
      // Up to 25 s for running jobs plus 10 s for requests in flight (docs/operations.md, Shutdown).
      expect(Number.parseInt(service.stop_grace_period ?? '10', 10), name).toBeGreaterThanOrEqual(35);
    }
    for (const name of ['postgres', 'valkey', 'lb']) expect(compose.services[name], name).toHaveProperty('healthcheck.test');
    expect(compose.services.lb?.depends_on).toEqual(Object.fromEntries(replicas.map(([name]) => [name, { condition: 'service_healthy' }])));
  });

  it('balances round robin over the three replicas and trusts exactly the load balancer as a proxy', () => {
    const caddyfile = compose.configs?.caddyfile?.content ?? '';
    const port = loadConfig(serviceEnv(replicas[0]?.[1] ?? {})).port;
    expect(/^\s*to\s+(.+)$/m.exec(caddyfile)?.[1]?.split(/\s+/)).toEqual(replicas.map(([name]) => `${name}:${port}`));
    expect(caddyfile).toMatch(/^\s*lb_policy round_robin$/m);
    // The live develop status (server-sent events) is not buffered by the proxy.
    const sse = /reverse_proxy \/api\/v1\/admin\/images\/events \{([^}]*)\}/.exec(caddyfile)?.[1] ?? '';
    expect(sse).toMatch(/flush_interval -1/);
    expect(caddyPaths(caddyfile).matched).toEqual(['/api/v1/admin/images/events']);

    const networks = compose.services.lb?.networks;
    const lbAddress = networks && !Array.isArray(networks) ? networks.frontend?.ipv4_address : undefined;
    const subnet = compose.networks?.frontend?.ipam?.config?.[0]?.subnet ?? '';
    expect(lbAddress && inSubnet(lbAddress, subnet)).toBe(true);
    for (const [name, service] of replicas) expect(loadConfig(serviceEnv(service)).trustedProxies, name).toEqual([lbAddress]);
  });

  it('runs a cron that POSTs the tick with the replicas\' tick secret every minute, through the load balancer', () => {
    const cron = compose.services.cron;
    const script = Array.isArray(cron?.command) ? cron.command.join('\n') : (cron?.command ?? '');
    const request = curlRequest(script, serviceEnv(cron ?? {}));
    expect(request.method).toBe('POST');
    expect(request.url.hostname).toBe('lb');
    expect(request.headers['x-preprocess-tick-secret']).toBe(loadConfig(serviceEnv(replicas[0]?.[1] ?? {})).preprocess.tickSecret);
    expect(script).toMatch(/\bsleep 60\b/);
  });
});

describe('Dockerfile', () => {
  const build = stage(dockerfile, 'build');
  const runs = (s: typeof build) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

  it('builds with the README\'s install and build steps', () => {
    const [install] = readmeCommands('Start');
    expect(install).toBe('npm ci');
    const buildCommand = 'npm run build';
    expect(readRepoFile('README.md')).toContain(`\`${buildCommand}\``);
    const steps = runs(build);
    const installAt = steps.findIndex((r) => startsWithCommand(r, install ?? ''));
    const buildAt = steps.findIndex((r) => startsWithCommand(r, buildCommand));
    expect(installAt).toBeGreaterThanOrEqual(0);
    expect(buildAt).toBeGreaterThan(installAt);
    // The image runs the compiled entries: the build makes them.
    expect(scripts.build).toMatch(/^(NEXT_TELEMETRY_DISABLED=1 )?next build && node server\/boot\/build-server\.ts$/);
    const runtime = stage(dockerfile, 'runtime').instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(runtime).toContain('--from=build /app/dist ./dist');
  });

  it('runs on Node 24 in every stage', () => {
    for (const s of dockerfile) expect(s.from === 'node:24-bookworm-slim' || dockerfile.some((p) => p.name === s.from), s.name).toBe(true);
  });

  it('ships production dependencies only, on a non-root user, with DATA_DIR on a volume', () => {
    expect(runs(stage(dockerfile, 'deps'))).toEqual(['npm ci --omit=dev --no-audit --no-fund']);
    const runtime = stage(dockerfile, 'runtime');
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies.filter((c) => c.includes('node_modules'))).toEqual(['--from=deps /app/node_modules ./node_modules']);
    for (const target of ['server', 'worker']) {
      const s = stage(dockerfile, target);
      const user = last(dockerfile, s, 'USER') ?? 'root';
      expect(['root', '0'], target).not.toContain(user.split(':')[0]);
      const env = effectiveInstructions(dockerfile, s).filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
      expect(env, target).toMatch(/\bNODE_ENV=production\b/);
      expect(env, target).toMatch(/\bNEXT_TELEMETRY_DISABLED=1\b/);
      // The same glibc setting npm start and npm run worker give the server.
      expect(env, target).toMatch(/\bMALLOC_ARENA_MAX=2\b/);
      expect(env, target).toMatch(/\bMALLOC_MMAP_THRESHOLD_=1048576\b/);
      const dataDir = /\bDATA_DIR=(\S+)/.exec(env)?.[1];
      expect(execForm(last(dockerfile, s, 'VOLUME') ?? '[]'), target).toEqual([dataDir]);
      expect(last(dockerfile, s, 'STOPSIGNAL'), target).toBe('SIGTERM');
    }
  });

  it('serves the production server as PID 1 on port 3000, health-checked on /api/v1/ready', () => {
    const server = stage(dockerfile, 'server');
    expect(dockerfile.at(-1)).toBe(server);
    expect(scriptRunning(execForm(last(dockerfile, server, 'CMD') ?? '[]'))).toBe('start');
    expect(last(dockerfile, server, 'EXPOSE')).toBe(String(loadConfig({}).port));
    const healthcheck = last(dockerfile, server, 'HEALTHCHECK') ?? '';
    const probe = execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4));
    expect(probe.slice(0, 2)).toEqual(['node', '-e']);
    expect(probe[2]).toMatch(/fetch\('http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| 3000\) \+ '\/api\/v1\/ready'\)/);
    expect(last(dockerfile, stage(dockerfile, 'worker'), 'HEALTHCHECK')).toBe('NONE');
  });

  it('keeps dependencies, builds, local state and secrets out of the build context', () => {
    const ignored = readRepoFile('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', '.next', 'data', '.git', '.env', '.env.*']) expect(ignored).toContain(entry);
  });
});

describe('vercel.json', () => {
  const vercel = loadVercelJson();

  it('runs the tick every minute as a Vercel Cron job, within a function time limit every plan allows', () => {
    expect(vercel.crons).toEqual([{ path: '/api/v1/preprocess-tasks/tick', schedule: '* * * * *' }]);
    expect(vercel).toMatchObject({ framework: 'nextjs', installCommand: 'npm ci', buildCommand: 'npm run build' });
    const entries = Object.entries(vercel.functions ?? {});
    expect(entries).toHaveLength(1);
    const [glob = '', { maxDuration = 0 } = {}] = entries[0] ?? [];
    const pattern = new RegExp(`^${glob.replace(/\*\*\//g, '(.*/)?').replace(/\*/g, '[^/]*')}$`);
    expect('app/api/v1/[[...route]]/route.ts').toMatch(pattern);
    expect(fs.existsSync(path.join(ROOT, 'app/api/v1/[[...route]]/route.ts'))).toBe(true);
    // 300 s is the Hobby maximum with fluid compute (the default); Pro allows up to 800 s.
    expect(maxDuration).toBe(300);
  });

  it('documents Vercel settings the config parser accepts and the replica guard passes', () => {
    const guide = readRepoFile('docs/multi-replica.md');
    const block = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => /^CRON_SECRET=/m.test(b)) ?? '';
    const env = Object.fromEntries(
      block
        .split('\n')
        .map((line) => line.replace(/\s+#.*$/, '').trim())
        .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/<[^>]*>/g, 'placeholder-0123456789abcdef0123456789')]),
    );
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'S3_BUCKET', 'BETTER_AUTH_SECRET', 'CRON_SECRET', 'DATA_DIR']));
    expect(Object.keys(env).filter((key) => !CONFIG_VARIABLES.includes(key))).toEqual([]);
    // Vercel sets VERCEL=1 on its functions: a multi-instance signal the guard insists on.
    const config = loadConfig({ ...env, VERCEL: '1' });
    expect(config.replicaGuard.platformSignals).toContain('VERCEL is set (Vercel)');
    expect(singleInstanceComponents(config, !config.auth.secret)).toEqual([]);
    expect(config.preprocess).toMatchObject({ concurrency: 0, tickerEnabled: false });
    expect(config.preprocess.cronSecret).toBeDefined();
    // Request bodies on Vercel Functions are capped at 4.5 MB; a tus chunk plus its framing must fit.
    expect(config.upload.chunkBytes + CHUNK_SLACK_BYTES).toBeLessThan(4.5 * 1000 * 1000);
    const maxDuration = Object.values(vercel.functions ?? {})[0]?.maxDuration ?? 0;
    expect(config.preprocess.tickBudgetMs).toBeLessThan(maxDuration * 1000);
    expect(config.dataDir.startsWith('/tmp/')).toBe(true);
  });
});
