import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { getSiteSettings, siteSettings } from '../../server/settings';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const getSettingsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: settings'],
  summary: 'The site settings visitors see (title, description); defaults while none are saved',
  responses: { 200: { description: 'Site settings', ...json(siteSettings) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});

export const getSettingsHandler: RouteHandler<typeof getSettingsRoute, AppEnv> = async (c) =>
  c.json(siteSettings.parse(await getSiteSettings(c.get('services'))), 200);
