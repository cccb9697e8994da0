import { CLIENT_IP_HEADER } from '../../server/auth';
import type { Logger } from '../../server/log';
import { createTestServices, TEST_BASE_URL, type TestServices } from '../../server/testing/services';

type DatabaseKind = 'postgres' | 'pglite';
import { type App, createApp } from '../app';

export interface TestClient {
  services: TestServices;
  app: App;
  /** /api/v1 through app.request() */
  api(path: string, init?: RequestInit & { json?: unknown; cookie?: string }): Promise<Response>;
  /** /api/auth through better-auth's handler, as the production server routes it */
  auth(path: string, init?: RequestInit & { json?: unknown; cookie?: string; ip?: string }): Promise<Response>;
  /** POST /preprocess-tasks/tick with this install's tick secret, as an external cron calls it. */
  tick(): Promise<Response>;
  /** Signs in and returns the Cookie header value to send back. */
  signIn(email: string, password: string): Promise<{ cookie: string; response: Response }>;
  /** Creates the owner through setup and signs in. */
  owner(): Promise<{ cookie: string; id: string; email: string; password: string }>;
  /** Creates a user with the viewer role through the admin API (the owner's cookie) and signs in as it. */
  viewer(ownerCookie: string): Promise<{ cookie: string }>;
  close(): Promise<void>;
}

const OWNER = { email: 'owner@example.com', password: 'owner-password', name: 'Owner' };
const VIEWER = { email: 'viewer@example.com', password: 'viewer-password', name: 'Viewer', role: 'viewer' };

function buildInit(init: RequestInit & { json?: unknown; cookie?: string; ip?: string } = {}): RequestInit {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.cookie) headers.set('cookie', init.cookie);
  headers.set('origin', TEST_BASE_URL);
  headers.set(CLIENT_IP_HEADER, init.ip ?? '203.0.113.7');
  return { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body };
}

/** Every route registered under /api/v1/admin, once per method and path, path parameters filled in. */
export function adminRoutes(app: App): { method: string; path: string }[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.path.startsWith('/api/v1/admin') && r.method !== 'ALL')
    .map((r) => ({ method: r.method, path: r.path.replace(/:[^/]+/g, 'some-id') }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

/** Joins the name=value pairs of every Set-Cookie into one Cookie header. */
export function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

export async function createTestClient(
  kind: DatabaseKind = 'pglite',
  env: Record<string, string> = {},
  overrides: { log?: Logger; databaseUrl?: string } = {},
): Promise<TestClient> {
  const services = await createTestServices(kind, env, overrides);
  const app = createApp(services);
  const client: TestClient = {
    services,
    app,
    api: (path, init) => Promise.resolve(app.request(`${TEST_BASE_URL}/api/v1${path}`, buildInit(init))),
    tick: () => client.api('/preprocess-tasks/tick', { method: 'POST', headers: { 'x-preprocess-tick-secret': services.config.preprocess.tickSecret ?? '' } }),
    auth: (path, init) => services.authHandler(new Request(`${TEST_BASE_URL}/api/auth${path}`, buildInit({ method: 'POST', ...init }))),
    async signIn(email, password) {
      const response = await client.auth('/sign-in/email', { json: { email, password } });
      return { cookie: cookieHeader(response), response };
    },
    async owner() {
      const res = await client.api('/setup', { method: 'POST', json: OWNER });
      if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const { cookie } = await client.signIn(OWNER.email, OWNER.password);
      return { cookie, id, email: OWNER.email, password: OWNER.password };
    },
    async viewer(ownerCookie) {
      const res = await client.api('/admin/users', { method: 'POST', cookie: ownerCookie, json: VIEWER });
      if (res.status !== 201) throw new Error(`creating the viewer failed: ${res.status} ${await res.text()}`);
      return { cookie: (await client.signIn(VIEWER.email, VIEWER.password)).cookie };
    },
    close: () => services.close(),
  };
  return client;
}
