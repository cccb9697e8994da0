import { createRouter } from '../router';
import { getMeHandler, getMeRoute } from './get-me';
import { getSystemOverviewHandler, getSystemOverviewRoute } from './get-system-overview';

/** /admin/me (who is signed in) and /admin/system (what this installation runs on). */
export const systemRoutes = createRouter()
  .openapi(getMeRoute, getMeHandler)
  .openapi(getSystemOverviewRoute, getSystemOverviewHandler);
