import { createRouter } from '../router';
import { createApiKeyHandler, createApiKeyRoute } from './create-api-key';
import { listApiKeysHandler, listApiKeysRoute } from './list-api-keys';
import { revokeApiKeyHandler, revokeApiKeyRoute } from './revoke-api-key';

/** /admin/api-keys: list, create (the secret is shown once) and revoke API keys. */
export const apiKeysRoutes = createRouter()
  .openapi(listApiKeysRoute, listApiKeysHandler)
  .openapi(createApiKeyRoute, createApiKeyHandler)
  .openapi(revokeApiKeyRoute, revokeApiKeyHandler);
