import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError } from 'better-auth/api';
import type { Database } from '../db';
import { CLIENT_IP_HEADER } from '../http/client-ip';
import { errorResponse } from '../http/error-envelope';
import { AUTH_BASE } from '../http/paths';
import { UnavailableError } from '../errors';
import type { Logger } from '../log';
import { schema } from '../db';
import { isUserActive } from '../users';
import { DEACTIVATED_MESSAGE } from './access';
import { refuseDeactivated } from './deactivated-hook';
import type { RateLimitStore } from './rate-limit';

export * from './access';
export { resolveAuthSecret, type AuthSecret } from './secret';
export type { RateLimitStore } from './rate-limit';

export { CLIENT_IP_HEADER } from '../http/client-ip';
/** Seconds a signed session snapshot is trusted without a database read (DESIGN.md "Auth"). */
export const SESSION_COOKIE_CACHE_SECONDS = 60;

export interface AuthOptions {
  db: Database;
  secret: string;
  baseUrl: string;
  signInLimitPerMinute: number;
  /** Rate-limit counters on the cache: shared through Redis, fail-closed in strict mode. */
  rateLimitStore?: RateLimitStore;
  log: Logger;
}

export function createAuth(options: AuthOptions) {
  const { db } = options;
  return betterAuth({
    appName: 'Darkroom',
    baseURL: options.baseUrl,
    basePath: AUTH_BASE,
    secret: options.secret,
    database: drizzleAdapter(db, { provider: 'pg', usePlural: true, schema }),
    emailAndPassword: {
      enabled: true,
      // Accounts are made by the owner (or the one-time setup), never by self-service.
      disableSignUp: true,
      minPasswordLength: 8,
      maxPasswordLength: 256,
    },
    user: {
      additionalFields: {
        role: { type: 'string', input: false, defaultValue: 'viewer' },
        active: { type: 'boolean', input: false, defaultValue: true },
      },
    },
    session: {
      cookieCache: { enabled: true, maxAge: SESSION_COOKIE_CACHE_SECONDS },
    },
    rateLimit: {
      enabled: true,
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/*': { window: 60, max: options.signInLimitPerMinute },
      },
      ...(options.rateLimitStore ? { customStorage: options.rateLimitStore } : { storage: 'memory' as const }),
    },
    advanced: {
      // Only the address both entry points decide (socket + TRUSTED_PROXIES), never X-Forwarded-For itself.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      database: { generateId: () => crypto.randomUUID() },
    },
    telemetry: { enabled: false },
    logger: {
      level: 'warn',
      // better-auth's own messages go through pino so every line stays JSON.
      log: (level, message) => options.log[level === 'debug' ? 'debug' : level](message),
    },
    hooks: { before: refuseDeactivated(db) },
    databaseHooks: {
      session: {
        create: {
          // A deactivated user keeps their password but can no longer start a session.
          before: async (session) => {
            if (!(await isUserActive({ db }, session.userId))) throw new APIError('FORBIDDEN', { message: DEACTIVATED_MESSAGE });
            return { data: session };
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * better-auth's handler, failing closed: when the shared rate limiter cannot be reached
 * (strict cache mode, Redis away) the request gets 503 instead of an unlimited sign-in.
 */
export function authRequestHandler(auth: Pick<Auth, 'handler'>) {
  return async (request: Request): Promise<Response> => {
    try {
      return await auth.handler(request);
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
      return errorResponse(request, 'SERVICE_UNAVAILABLE', error.message, { 'retry-after': '5' });
    }
  };
}
