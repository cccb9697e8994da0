import { APIError, createAuthMiddleware, getSessionFromCtx } from 'better-auth/api';
import type { Database } from '../db';
import { isUserActive } from '../users';
import { DEACTIVATED_MESSAGE } from './access';

/**
 * Endpoints a deactivated user's cached session may still reach: reading the session (the
 * 60 s cookie-cache window), leaving, and signing in (which refuses them on its own).
 */
const isOpen = (path: string) => path === '/get-session' || path === '/sign-out' || path === '/ok' || path === '/error' || path.startsWith('/sign-in/');

/**
 * better-auth `hooks.before`: every other endpoint that acts on a session (update-user,
 * change-password, list-accounts …) reads the user's active flag fresh and refuses with 403,
 * since deactivation deletes the sessions but a signed snapshot cookie outlives them by 60 s.
 */
export const refuseDeactivated = (db: Database) =>
  createAuthMiddleware(async (ctx) => {
    if (isOpen(ctx.path)) return;
    const session = await getSessionFromCtx(ctx);
    if (!session) return; // no session: the endpoint applies its own rules
    if (!(await isUserActive({ db }, session.user.id))) throw new APIError('FORBIDDEN', { message: DEACTIVATED_MESSAGE });
  });
