import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { siteSettings, updateSiteSettings } from '../../server/settings';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const updateSettingsRoute = createRoute({
  method: 'put',
  path: '/',
  tags: ['admin: settings'],
  summary: 'Replace the site settings; the gallery, feed and link previews show them at once',
  request: { body: { required: true, ...json(siteSettings) } },
  responses: {
    200: { description: 'Saved', ...json(siteSettings) },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED', 'SERVICE_UNAVAILABLE'),
  },
});

export const updateSettingsHandler: RouteHandler<typeof updateSettingsRoute, AppEnv> = async (c) =>
  c.json(siteSettings.parse(await updateSiteSettings(c.get('services'), c.req.valid('json'))), 200);
