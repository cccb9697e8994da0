import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caddyPaths,
  composeVariables,
  curlRequest,
  darkroomServices,
  execForm,
  last,
  loadCompose,
  loadVercelJson,
  parseDockerfile,
  readRepoFile,
  serviceEnv,
  stage,
} from '../server/testing/deploy-files';
import { API_BASE } from './app';
import { createTestClient, type TestClient } from './testing/client';

/*
 * The paths the deployment files call are real routes that answer as those callers expect:
 * the image's health check and the load balancer's, the stream the balancer leaves
 * unbuffered, the compose cron's tick and Vercel Cron's (GET with Authorization: Bearer).
 */

const composeText = readRepoFile('compose.yaml');
const dotenv = Object.fromEntries(composeVariables(composeText).filter((v) => v.required).map((v) => [v.name, `${v.name.toLowerCase()}-placeholder-0123456789abcdef`]));
const compose = loadCompose(dotenv, composeText);
const replicaEnv = serviceEnv(darkroomServices(compose)[0]?.[1] ?? {});
const caddy = caddyPaths(compose.configs?.caddyfile?.content ?? '');
const cronService = compose.services.cron;
const cronRequest = curlRequest(Array.isArray(cronService?.command) ? cronService.command.join('\n') : (cronService?.command ?? ''), serviceEnv(cronService ?? {}));
const CRON_SECRET = 'vercel-cron-secret-3f0a9d27c1b84e56';

const dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const healthcheck = last(dockerfile, stage(dockerfile, 'server'), 'HEALTHCHECK') ?? '';
const imageProbePath = /'(\/api\/[^']+)'/.exec(execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4))[2] ?? '')?.[1];

/** Hono's route table: method and full path of every handler (middleware excluded). */
const routeTable = (t: TestClient) => t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
const underApi = (fullPath: string) => {
  expect(fullPath.startsWith(`${API_BASE}/`)).toBe(true);
  return fullPath.slice(API_BASE.length);
};

describe('the routes the deployment files call', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('pglite', {
      PREPROCESS_TICK_SECRET: replicaEnv.PREPROCESS_TICK_SECRET ?? '',
      CRON_SECRET,
      PREPROCESS_TICKER_ENABLED: 'false',
    });
  });
  afterAll(() => t.close());

  it('answers the image health check and the load balancer health check with 200 when ready', async () => {
    expect(imageProbePath).toBe('/api/v1/ready');
    expect(caddy.health).toEqual([imageProbePath]);
    expect(routeTable(t)).toContain(`GET ${imageProbePath}`);
    const res = await t.api(underApi(imageProbePath ?? ''));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });

  it('has the event stream the load balancer leaves unbuffered, behind the admin guard', async () => {
    for (const streamPath of caddy.matched) {
      expect(routeTable(t)).toContain(`GET ${streamPath}`);
      expect((await t.api(underApi(streamPath))).status).toBe(401);
    }
  });

  it("develops through the compose cron's exact request, and refuses it with another secret", async () => {
    expect(routeTable(t)).toContain(`${cronRequest.method} ${cronRequest.url.pathname}`);
    const send = (headers: Record<string, string>) => t.api(underApi(cronRequest.url.pathname), { method: cronRequest.method, headers });
    const res = await send(cronRequest.headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ busy: false, claimed: 0 });
    expect((await send({ 'x-preprocess-tick-secret': 'another-secret-0123456789' })).status).toBe(401);
  });

  it("accepts Vercel Cron's call on vercel.json's path: GET with Authorization: Bearer $CRON_SECRET", async () => {
    const [cron] = loadVercelJson().crons ?? [];
    const cronPath = cron?.path ?? '';
    expect(routeTable(t)).toContain(`GET ${cronPath}`);
    const res = await t.api(underApi(cronPath), { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ busy: false, claimed: 0 });
    expect((await t.api(underApi(cronPath))).status).toBe(401);
  });
});
