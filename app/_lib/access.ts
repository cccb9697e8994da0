import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { type Access, type AccessLevel, checkAccess } from '../../server/auth';
import { getServices } from '../../server/boot';
import type { UserDto } from '../../server/users';

/**
 * Access of the request being rendered, by the rule the admin API uses (server/auth/access).
 * A layout is not a guard: an RSC request can skip it, so every admin page calls
 * requireAdmin()/requireOwner() itself. Memoised per request (React cache).
 */
export const pageAccess = cache(async (level: AccessLevel): Promise<Access> => {
  const requestHeaders = await headers(); // first, so nothing here runs at build time
  return checkAccess(await getServices(), requestHeaders, level);
});

async function requireLevel(level: AccessLevel): Promise<UserDto> {
  const access = await pageAccess(level);
  if (access.granted) return access.user;
  if (access.reason === 'signed-out') redirect('/login');
  notFound(); // a viewer, a deactivated user or an admin on an owner page learns nothing
}

/** The signed-in, active admin or owner; else /login (signed out) or a 404. */
export const requireAdmin = () => requireLevel('admin');
/** The signed-in, active owner; else /login (signed out) or a 404. */
export const requireOwner = () => requireLevel('owner');
