import { z } from 'zod';
import { apiKeyScopes } from '../../drizzle/schema/enums';
import { entityId, pageOf, pageQuery } from '../shapes';

export const apiKeyStates = ['active', 'expired', 'revoked'] as const;
export type ApiKeyState = (typeof apiKeyStates)[number];

export const apiKeyScope = z.enum(apiKeyScopes).meta({
  id: 'ApiKeyScope',
  description: '`resource.action` (GET, HEAD and OPTIONS need `.read`, other methods `.write`), or `all`: everything the creator’s role allows',
});

export const createApiKeyInput = z
  .object({
    name: z.string().trim().min(1, 'Name is required').max(100),
    scopes: z.array(apiKeyScope).min(1, 'Choose at least one scope').max(apiKeyScopes.length),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'ISO 8601; must be in the future. Omit for a key that does not expire', example: '2030-01-31T23:59:59Z' }),
  })
  .strict()
  .meta({ id: 'CreateApiKey' });
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

/** A key as lists show it: never its secret or the secret's hash. */
export const apiKeyDto = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the secret, to recognise the key' }),
    scopes: z.array(apiKeyScope),
    state: z.enum(apiKeyStates),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().meta({ description: 'Updated at most once a minute' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    createdBy: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyDto = z.infer<typeof apiKeyDto>;

export const apiKeyPage = pageOf(apiKeyDto).meta({ id: 'ApiKeyList' });
export const listApiKeysInput = pageQuery(50);
export type ListApiKeysInput = z.input<typeof listApiKeysInput>;

/** The answer to creating a key: the only time its secret is ever shown. */
export const createdApiKeyDto = z
  .object({
    key: apiKeyDto,
    secret: z.string().meta({ description: 'Send it as `x-api-key: <secret>` or `Authorization: Bearer <secret>`; it is not shown again' }),
  })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyParams = z.object({ id: entityId });
