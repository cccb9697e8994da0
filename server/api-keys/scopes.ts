import { type ApiKeyResource, type ApiKeyScope, apiKeyScopes, type UserRole } from '../../drizzle/schema/enums';
import { API_BASE } from '../http/paths';

/*
 * What a key may do, as pure functions: the scope an admin request needs, the ceiling of a
 * role, and a key's effective permissions. The admin guard and the OpenAPI document both
 * take a route's scope from scopeFor, so what is documented is what is enforced.
 */

/** A concrete `resource.action`; `all` is not one, it stands for the creator's whole ceiling. */
export type Permission = Exclude<ApiKeyScope, 'all'>;
export const permissions: readonly Permission[] = apiKeyScopes.filter((s): s is Permission => s !== 'all');
const isPermission = (value: string): value is Permission => (permissions as readonly string[]).includes(value);

/** The path segment after /admin → its resource. Tags are labels on images; shares live under albums. */
const RESOURCE_OF_SEGMENT = new Map<string, ApiKeyResource>([
  ['', 'system'],
  ['me', 'system'],
  ['system', 'system'],
  ['images', 'images'],
  ['uploads', 'images'],
  ['tags', 'images'],
  ['albums', 'albums'],
  ['jobs', 'jobs'],
  ['workers', 'workers'],
  ['users', 'users'],
  ['settings', 'settings'],
  ['api-keys', 'keys'],
]);
/** Methods that change nothing (RFC 9110 "safe"): tus uses HEAD and OPTIONS to read. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The scope an admin request needs: its resource (the path segment after /admin) and
 * `.read` for a safe method, `.write` for anything else. Null when no scope allows it (a
 * path outside /admin or an unknown resource): keys are then refused, failing closed.
 * Takes a concrete path (/api/v1/admin/images/abc) or a route template (…/images/{id}).
 */
export function scopeFor(method: string, path: string): Permission | null {
  const rest = path.startsWith(`${API_BASE}/`) ? path.slice(API_BASE.length) : path;
  const match = /^\/admin(?:\/([^/]*))?(?:\/|$)/.exec(rest);
  if (!match) return null;
  const resource = RESOURCE_OF_SEGMENT.get(match[1] ?? '');
  if (!resource) return null;
  const scope = `${resource}.${SAFE_METHODS.has(method.toUpperCase()) ? 'read' : 'write'}`;
  return isPermission(scope) ? scope : null;
}

const OWNER: ReadonlySet<Permission> = new Set(permissions);
const ADMIN: ReadonlySet<Permission> = new Set(permissions.filter((p) => !p.startsWith('users.')));
const VIEWER: ReadonlySet<Permission> = new Set(permissions.filter((p) => p.endsWith('.read') && p !== 'users.read'));

/** The most a role allows a key to do: the owner everything, an admin all but users, a viewer reading all but users. */
export function roleCeiling(role: UserRole): ReadonlySet<Permission> {
  if (role === 'owner') return OWNER;
  if (role === 'admin') return ADMIN;
  return VIEWER;
}

/** What a key may do right now: its scopes within its creator's current role. */
export function effectivePermissions(scopes: readonly string[], role: UserRole): Set<Permission> {
  const granted = scopes.includes('all') ? permissions : scopes.filter(isPermission);
  const ceiling = roleCeiling(role);
  return new Set(granted.filter((p) => ceiling.has(p)));
}

/** Who may make keys at all: owners and admins (a viewer has no admin access to manage them). */
export const canCreateKeys = (role: UserRole) => role === 'owner' || role === 'admin';

/**
 * Scopes a new key may carry: within the creator's ceiling and, when the request itself is
 * made with a key, within that key's own permissions (a key never mints a wider one).
 */
export function grantableScopes(role: UserRole, viaKeyScopes?: readonly string[]): Set<ApiKeyScope> {
  if (!canCreateKeys(role)) return new Set();
  const ceiling = roleCeiling(role);
  if (!viaKeyScopes) return new Set<ApiKeyScope>(['all', ...ceiling]);
  const own = effectivePermissions(viaKeyScopes, role);
  return new Set<ApiKeyScope>([...(viaKeyScopes.includes('all') ? (['all'] as const) : []), ...own]);
}
