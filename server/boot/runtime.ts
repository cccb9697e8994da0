import { type Auth, authRequestHandler, createAuth } from '../auth';
import { authRateLimitStore } from '../cache';
import { loadConfig, type Config } from '../config';
import { AUTH_BODY_MAX_BYTES, BODY_IDLE_MS, withBodyLimit } from '../http/body-limit';
import { type CoreServices, createCoreServices, type ServiceOverrides } from './core-services';

export { DEGRADED_TTL_SECONDS, PUBLIC_CACHE, type CoreServices, type ServiceOverrides } from './core-services';

/** Everything a request or a job needs; built once per process by createServices. */
export interface Services extends CoreServices {
  auth: Auth;
  /** /api/auth/*: better-auth's handler, answering 503 when its rate limiter cannot be reached. */
  authHandler(request: Request): Promise<Response>;
}

/** The core services (core-services.ts, in DESIGN.md's startup order) and authentication. */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const core = await createCoreServices(config, overrides);
  try {
    const auth = createAuth({
      db: core.db,
      secret: core.authSecret.value,
      baseUrl: config.auth.baseUrl,
      signInLimitPerMinute: config.auth.signInLimitPerMinute,
      rateLimitStore: authRateLimitStore(core.cache.manager.cache('ratelimit')),
      log: core.log.child({ module: 'auth' }),
    });
    return { ...core, auth, authHandler: withBodyLimit(authRequestHandler(auth), { maxBytes: AUTH_BODY_MAX_BYTES, idleMs: BODY_IDLE_MS }) };
  } catch (error) {
    await core.close().catch(() => {});
    throw error;
  }
}

// Next bundles its own copy of these modules; sharing through globalThis keeps one
// database (one PGlite owner) and one Redis client per process.
const globalKey = Symbol.for('darkroom.services');
type GlobalWithServices = typeof globalThis & { [globalKey]?: Promise<Services> };

export function getServices(): Promise<Services> {
  const g = globalThis as GlobalWithServices;
  g[globalKey] ??= createServices(loadConfig());
  return g[globalKey];
}

/** Lets the production server hand the services it built to the Next handlers. */
export function setServices(services: Services): void {
  (globalThis as GlobalWithServices)[globalKey] = Promise.resolve(services);
}
