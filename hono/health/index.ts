import { createRouter } from '../router';
import { getHealthHandler, getHealthRoute } from './get-health';
import { getReadyHandler, getReadyRoute } from './get-ready';

/** /health (liveness) and /ready (the database, and Redis in strict cache mode, answer). */
export const healthRoutes = createRouter()
  .openapi(getHealthRoute, getHealthHandler)
  .openapi(getReadyRoute, getReadyHandler);
