import type { Config } from '../server/config';
import { API_BASE } from '../server/http/paths';
import { BODY_IDLE_MS, type BodyLimit, JSON_BODY_MAX_BYTES } from '../server/http/body-limit';
import type { Services } from '../server/boot';
import { APP_VERSION } from '../server/config';
import { CHECK_BODY_MAX_BYTES } from '../server/images';
import { CHUNK_SLACK_BYTES } from '../server/uploads';
import { errorJson, onError } from './errors';
import { albumsRoutes } from './albums';
import { docsRoutes } from './docs';
import { apiKeysRoutes } from './api-keys';
import { healthRoutes } from './health';
import { imagesRoutes } from './images';
import { jobsRoutes } from './jobs';
import { METRICS_PATH, metricsRoutes } from './metrics';
import { adminGuard } from './middleware/admin-guard';
import { bodyLimit } from './middleware/body-limit';
import { invalidatePublic } from './middleware/invalidate-public';
import { markUnmatched } from './middleware/metrics';
import { clientIp, rateLimit } from './middleware/rate-limit';
import { rejectControlChars } from './middleware/reject-control-chars';
import { requestContext } from './middleware/request-context';
import { sameOrigin } from './middleware/same-origin';
import { registerKeySchemes, withAdminSecurity } from './openapi-security';
import { preprocessRoutes } from './preprocess';
import { publicRoutes } from './public';
import { createRouter } from './router';
import { settingsRoutes } from './settings';
import { setupRoutes } from './setup';
import { albumSharesRoutes, shareRoutes } from './shares';
import { statusRoutes } from './status';
import { systemRoutes } from './system';
import { tagsRoutes } from './tags';
import { uploadsRoutes } from './uploads';
import { usersRoutes } from './users';
import { workersRoutes } from './workers';

export { API_BASE };

/** The multipart upload streams to disk under its own cap; every other route takes small JSON. */
function requestBodyLimit(config: Config, method: string, path: string): BodyLimit {
  if (method === 'POST' && path.replace(/\/$/, '') === `${API_BASE}/admin/images`) {
    return { maxBytes: config.upload.requestMaxBytes, idleMs: config.upload.idleTimeoutMs, variable: 'UPLOAD_REQUEST_MAX_BYTES' };
  }
  if (method === 'POST' && path === `${API_BASE}/admin/images/check`) return { maxBytes: CHECK_BODY_MAX_BYTES, idleMs: BODY_IDLE_MS };
  // tus chunks (PATCH, and POST creation-with-upload): UPLOAD_CHUNK_BYTES each.
  if ((method === 'PATCH' || method === 'POST') && path.startsWith(`${API_BASE}/admin/uploads`)) {
    return { maxBytes: config.upload.chunkBytes + CHUNK_SLACK_BYTES, idleMs: config.upload.idleTimeoutMs, variable: 'UPLOAD_CHUNK_BYTES' };
  }
  return { maxBytes: JSON_BODY_MAX_BYTES, idleMs: BODY_IDLE_MS };
}

/** The whole HTTP API at /api/v1. Services are injected so tests build their own. */
export function createApp(services: Services) {
  const app = createRouter().basePath(API_BASE);
  // The services, the request id, the duration histogram and the access line: one layer.
  app.use('*', requestContext(services, `${API_BASE}${METRICS_PATH}`));
  app.use('*', rejectControlChars());
  // Only methods that carry a body: GET and HEAD do not pass through it at all.
  app.on(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], '*', bodyLimit((c) => requestBodyLimit(services.config, c.req.method, c.req.path)));
  // Registered before any admin route, so it runs first for every one of them.
  // Form posts (multipart uploads) from another site are refused before the session is read;
  // requests with an API key skip that check (no form can send one).
  app.use('/admin/*', sameOrigin(new URL(services.config.auth.baseUrl).origin));
  // Sessions by role (only the owner manages users), keys by the route's scope (scopeFor).
  app.use('/admin/*', adminGuard());
  app.use('/admin/*', invalidatePublic());
  app.on('POST', '/admin/images', rateLimit((c) => c.get('services').cache.limits.upload, (c) => `upload:${c.get('user').id}`));
  app.on(['GET', 'POST'], '/preprocess-tasks/tick', rateLimit((c) => c.get('services').cache.limits.tick, (c) => `tick:${clientIp(c)}`));

  // Chained, so the returned type carries every route: the admin UI's client is typed from it.
  const routes = app
    .route('/', healthRoutes)
    .route('/', setupRoutes)
    .route('/admin', systemRoutes)
    .route('/', statusRoutes)
    .route('/', metricsRoutes)
    .route('/', docsRoutes)
    .route('/', publicRoutes)
    .route('/', preprocessRoutes)
    .route('/admin/users', usersRoutes)
    .route('/admin/images', imagesRoutes)
    .route('/admin/uploads', uploadsRoutes)
    .route('/admin/albums', albumsRoutes)
    .route('/admin/albums', albumSharesRoutes)
    .route('/', shareRoutes)
    .route('/admin/tags', tagsRoutes)
    .route('/admin/jobs', jobsRoutes)
    .route('/admin/workers', workersRoutes)
    .route('/admin/settings', settingsRoutes)
    .route('/admin/api-keys', apiKeysRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'better-auth.session_token',
    description: 'Session cookie from POST /api/auth/sign-in/email',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, for GET /api/v1/metrics only',
  });
  registerKeySchemes(app.openAPIRegistry);
  // Generated per request like doc31 does, then every admin operation gets its scope.
  app.get('/openapi.json', (c) =>
    c.json(
      withAdminSecurity(
        app.getOpenAPI31Document({
          openapi: '3.1.0',
          info: { title: 'Darkroom API', version: APP_VERSION, description: 'Photo library API. Admin routes need a session cookie or an API key with the scope each operation names.' },
        }),
      ),
    ),
  );

  app.notFound((c) => {
    markUnmatched(c);
    return errorJson(c, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
  });
  app.onError(onError);
  return routes;
}

export type App = ReturnType<typeof createApp>;
