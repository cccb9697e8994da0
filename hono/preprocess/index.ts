import { createRouter } from '../router';
import { getTickRoute, postTickRoute, tickHandler } from './tick';

/** /preprocess-tasks/tick: an external cron drives the queue (GET for Vercel Cron, or POST). */
export const preprocessRoutes = createRouter()
  .openapi(postTickRoute, tickHandler)
  .openapi(getTickRoute, tickHandler);
