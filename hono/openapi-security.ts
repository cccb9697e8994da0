import type { OpenAPIHono } from '@hono/zod-openapi';
import { API_BASE } from '../server/http/paths';
import { API_KEY_PREFIX, scopeFor } from '../server/api-keys';

type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The two ways to present an API key, next to the `session` cookie scheme. */
export function registerKeySchemes(registry: OpenAPIHono['openAPIRegistry']) {
  const about = `An API key (\`${API_KEY_PREFIX}…\`) made on the admin page "API keys" or with POST ${API_BASE}/admin/api-keys. Each operation names the scope it needs.`;
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'x-api-key', description: about });
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: `${about} Sent as \`Authorization: Bearer <key>\`.` });
}

/**
 * Every admin operation lists the session and the key schemes with its scope, taken from
 * scopeFor: the same mapping the admin guard enforces, so the document cannot drift from it.
 */
export function withAdminSecurity(document: Document): Document {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith(`${API_BASE}/admin`)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const scope = scopeFor(method, path);
      operation.security = scope ? [{ session: [] }, { apiKey: [scope] }, { bearer: [scope] }] : [{ session: [] }];
      if (scope) operation.description = [operation.description, `API key scope: \`${scope}\`.`].filter(Boolean).join('\n\n');
    }
  }
  return document;
}
