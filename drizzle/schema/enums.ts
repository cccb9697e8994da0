// Plain values, no drizzle import: the admin UI's bundle takes its lists of statuses from here.

export const visibilities = ['public', 'private'] as const;
export type Visibility = (typeof visibilities)[number];

// The owner is the first admin, made by setup; it cannot be deactivated.
export const userRoles = ['owner', 'admin', 'viewer'] as const;
export type UserRole = (typeof userRoles)[number];

export const imageStatuses = ['pending', 'processing', 'ready', 'failed'] as const;
export type ImageStatus = (typeof imageStatuses)[number];
export const variantFormats = ['avif', 'webp'] as const;
export type VariantFormat = (typeof variantFormats)[number];

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];
/** Why a failed job stopped: its handler said it can never succeed, it failed the same way twice, or it ran out of attempts. */
export const jobFailureKinds = ['permanent', 'repeated', 'exhausted'] as const;
export type JobFailureKind = (typeof jobFailureKinds)[number];

/** What an API key may do: `resource.action`, or `all` (everything its creator's role allows). */
export const apiKeyResources = ['images', 'albums', 'jobs', 'workers', 'users', 'settings', 'system', 'keys'] as const;
export type ApiKeyResource = (typeof apiKeyResources)[number];
export const apiKeyScopes = [
  'all',
  'images.read',
  'images.write',
  'albums.read',
  'albums.write',
  'jobs.read',
  'jobs.write',
  'workers.read',
  'workers.write',
  'users.read',
  'users.write',
  'settings.read',
  'settings.write',
  'system.read',
  'keys.read',
  'keys.write',
] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];
